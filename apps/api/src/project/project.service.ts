// Projects: created implicitly by createSweep or explicitly; looked up by id or name.
import type { AppServices } from '../context.js';
import type { Project } from './project.type.js';

const PROJECT_COLUMNS = 'p.id, p.name, p.description, p.created_at AS "createdAt"';

export async function listProjects(app: AppServices, first: number): Promise<Project[]> {
  const { rows } = await app.readPool.query<Project>(`SELECT ${PROJECT_COLUMNS} FROM projects p ORDER BY p.name LIMIT $1`, [first]);
  return rows;
}

export async function projectByName(app: AppServices, name: string): Promise<Project | null> {
  const { rows } = await app.pool.query<Project>(`SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.name = $1`, [name]);
  return rows[0] ?? null;
}

export async function projectsByIds(app: AppServices, ids: readonly string[]): Promise<Array<Project | null>> {
  const { rows } = await app.pool.query<Project>(`SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** Creates the project, or updates its description when given; idempotent on the name. */
export async function upsertProject(app: AppServices, name: string, description: string | undefined): Promise<Project> {
  const { rows } = await app.pool.query<Project>(
    `INSERT INTO projects AS p (name, description) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET description = COALESCE(EXCLUDED.description, p.description)
     RETURNING ${PROJECT_COLUMNS}`, [name, description ?? null]);
  return rows[0]!;
}

export async function runCounts(app: AppServices, projectIds: readonly string[]): Promise<number[]> {
  const { rows } = await app.readPool.query<{ id: string; n: number }>(
    'SELECT project_id AS id, count(*)::int AS n FROM runs WHERE project_id = ANY($1::uuid[]) GROUP BY project_id', [projectIds]);
  const byId = new Map(rows.map((r) => [r.id, r.n]));
  return projectIds.map((id) => byId.get(id) ?? 0);
}
