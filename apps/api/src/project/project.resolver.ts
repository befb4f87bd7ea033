import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import { parseId } from '../common/ids.js';
import { Sweep } from '../sweep/sweep.type.js';
import { CreateProjectArgs, ProjectsArgs } from './project.input.js';
import { Project } from './project.type.js';
import { listProjects, projectByName, projectsByIds, upsertProject } from './project.service.js';
import { projectRunCount, projectSweeps } from './project.loaders.js';

@Resolver(() => Project)
export class ProjectResolver {
  @Authorized('READER')
  @Query(() => [Project], { description: 'Projects by name.' })
  projects(@Args(() => ProjectsArgs) args: ProjectsArgs, @Ctx() ctx: Context): Promise<Project[]> {
    return listProjects(ctx.app, args.first);
  }

  @Authorized('READER')
  @Query(() => Project, { nullable: true, description: 'A project by id or by name (give one).' })
  async project(
    @Arg('id', () => ID, { nullable: true }) id: string | undefined,
    @Arg('name', () => String, { nullable: true }) name: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<Project | null> {
    if ((id === undefined || id === null) === (name === undefined || name === null)) throw new BadInputError('give exactly one of id and name', 'id');
    if (id) return (await projectsByIds(ctx.app, [parseId(id, 'id')]))[0] ?? null;
    return projectByName(ctx.app, name!);
  }

  @Authorized('WRITER')
  @Mutation(() => Project, { description: 'Create a project (or update its description); createSweep also creates missing projects.' })
  createProject(@Args(() => CreateProjectArgs) args: CreateProjectArgs, @Ctx() ctx: Context): Promise<Project> {
    return upsertProject(ctx.app, args.name, args.description);
  }

  @FieldResolver(() => [Sweep], { description: 'Newest first.' })
  sweeps(@Root() project: Project, @Ctx() ctx: Context): Promise<Sweep[]> {
    return projectSweeps(ctx).load(project.id);
  }

  @FieldResolver(() => Int)
  runCount(@Root() project: Project, @Ctx() ctx: Context): Promise<number> {
    return projectRunCount(ctx).load(project.id);
  }
}
