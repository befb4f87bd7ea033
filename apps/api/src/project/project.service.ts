// Projects: created implicitly by createSweep or explicitly; looked up by id or name. Plain CRUD,
// so through the Prisma client (lists on the read replica when it is fresh enough).
import type { AppServices } from '../context.js';
import type { Project } from './project.type.js';

const PROJECT = { id: true, name: true, description: true, createdAt: true } as const;

export async function listProjects(app: AppServices, first: number): Promise<Project[]> {
  return app.readPrisma.project.findMany({ select: PROJECT, orderBy: { name: 'asc' }, take: first });
}

export async function projectByName(app: AppServices, name: string): Promise<Project | null> {
  return app.prisma.project.findUnique({ select: PROJECT, where: { name } });
}

export async function projectsByIds(app: AppServices, ids: readonly string[]): Promise<Array<Project | null>> {
  const rows = await app.prisma.project.findMany({ select: PROJECT, where: { id: { in: [...ids] } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Creates the project, or updates its description when given; idempotent on the name. */
export async function upsertProject(app: AppServices, name: string, description: string | undefined): Promise<Project> {
  return app.prisma.project.upsert({
    select: PROJECT,
    where: { name },
    create: { name, description: description ?? null },
    update: description === undefined ? {} : { description },
  });
}

export async function runCounts(app: AppServices, projectIds: readonly string[]): Promise<number[]> {
  const groups = await app.readPrisma.run.groupBy({ by: ['projectId'], where: { projectId: { in: [...projectIds] } }, _count: { _all: true } });
  const byId = new Map(groups.map((g) => [g.projectId, g._count._all]));
  return projectIds.map((id) => byId.get(id) ?? 0);
}
