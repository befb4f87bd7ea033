import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { QueueEntry } from '../job/job.type.js';
import { assertActsAs } from '../job/fence.js';
import { parseId } from '../common/ids.js';
import { AgentStatus } from './agent.enums.js';
import { AgentsArgs, RegisterAgentArgs } from './agent.input.js';
import { Agent } from './agent.type.js';
import { getAgent, listAgents, registerAgent, setAgentStatus } from './agent.service.js';
import { agentCurrentJobs } from './agent.loaders.js';

@Resolver(() => Agent)
export class AgentResolver {
  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => Agent, {
    description: 'Register (or update, by name) the calling agent. An AGENT token is bound to the first agent it registers and may only act as it afterwards.',
  })
  registerAgent(@Args(() => RegisterAgentArgs) args: RegisterAgentArgs, @Ctx() ctx: Context): Promise<Agent> {
    return registerAgent(ctx.app, ctx.principal!, args);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => Agent, { description: 'An agent announces DRAINING (stops claiming), OFFLINE (leaving cleanly) or ONLINE.' })
  setAgentStatus(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('status', () => AgentStatus) status: AgentStatus,
    @Ctx() ctx: Context,
  ): Promise<Agent> {
    const id = parseId(agentId, 'agentId');
    assertActsAs(ctx.principal, id);
    return setAgentStatus(ctx.app, id, status);
  }

  @Authorized('READER')
  @Query(() => [Agent], { description: 'Registered agents by name, each with the jobs it holds now.' })
  agents(@Args(() => AgentsArgs) args: AgentsArgs, @Ctx() ctx: Context): Promise<Agent[]> {
    return listAgents(ctx.app, args.status, args.first);
  }

  @Authorized('READER')
  @Query(() => Agent, { nullable: true })
  agent(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Agent | null> {
    return getAgent(ctx.app, parseId(id, 'id'));
  }

  @FieldResolver(() => [QueueEntry])
  currentJobs(@Root() agent: Agent, @Ctx() ctx: Context): Promise<QueueEntry[]> {
    return agentCurrentJobs(ctx).load(agent.id);
  }

  @FieldResolver(() => QueueEntry, { nullable: true, description: 'The first of currentJobs (agents usually run one job per device).' })
  async currentJob(@Root() agent: Agent, @Ctx() ctx: Context): Promise<QueueEntry | null> {
    const jobs = await agentCurrentJobs(ctx).load(agent.id);
    return jobs[0] ?? null;
  }
}
