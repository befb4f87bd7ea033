// Sweeps: a declared grid expanded (expand.ts) into one run and one queued TRAIN job per cell,
// in one transaction, idempotent on (project, name, spec hash).
import crypto from 'node:crypto';
import type { AppServices } from '../context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors/codes.js';
import { idPrefixPattern } from '../common/ids.js';
import { enqueueTrainJobs } from '../job/enqueue-train.js';
import { publishChanges, type ChangedJob } from '../job/events.js';
import { withTransaction } from '../common/sql.js';
import { selectList, type Fields, type Row, type RowOf } from '../common/columns.js';
import { canonicalJson, expandSpec, normaliseSpec, specDifferences, type Cell } from './expand.js';
import type { CreateSweepInput } from './sweep.input.js';
import type { StatusCounts, Sweep, SweepFactors } from './sweep.type.js';

const SWEEP_FIELDS = { id: 'id', projectId: 'project_id', name: 'name', spec: 'spec', specHash: 'spec_hash', createdAt: 'created_at' } as const satisfies Fields<'sweeps'>;
const SWEEP_COLUMNS = selectList('sweeps', 's', SWEEP_FIELDS);
type SweepRow = RowOf<'sweeps', typeof SWEEP_FIELDS>;

export async function createSweep(app: AppServices, input: CreateSweepInput): Promise<{ sweep: Sweep; created: boolean }> {
  const spec = normaliseSpec(input);
  const specJson = canonicalJson(spec);
  const specHash = crypto.createHash('sha256').update(specJson).digest('hex');
  const cells = expandSpec(input.name, spec);

  const result = await withTransaction(app.pool, async (client) => {
    const project = (await client.query<Pick<Row<'projects'>, 'id'>>(
      `INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [input.project])).rows[0]!;
    const inserted = await client.query<SweepRow>(
      `INSERT INTO sweeps AS s (project_id, name, spec, spec_hash, expansion) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb)
       ON CONFLICT (project_id, name) DO NOTHING RETURNING ${SWEEP_COLUMNS}`,
      [project.id, input.name, specJson, specHash, JSON.stringify(cells.map(({ config: _config, ...cell }) => cell))]);
    if (!inserted.rows[0]) {
      const existing = (await client.query<SweepRow>(`SELECT ${SWEEP_COLUMNS} FROM sweeps s WHERE s.project_id = $1 AND s.name = $2`, [project.id, input.name])).rows[0]!;
      if (existing.specHash === specHash) return { sweep: existing, created: false, cells: [] as Cell[], jobs: [] as ChangedJob[] };
      const differs = specDifferences(existing.spec, JSON.parse(specJson));
      throw new ConflictError(`sweep ${JSON.stringify(input.name)} already exists in project ${JSON.stringify(input.project)} with a different spec (differs in: ${differs.join(', ')}); use a new name`);
    }
    const sweep = inserted.rows[0];
    await client.query(
      `INSERT INTO runs (id, project_id, sweep_id, name, mode, model_size, blocks, partitions, seed, dataset, config)
       SELECT c.id, $1, $2, c.name, c.mode::"RunMode", c.model_size, c.blocks, ARRAY(SELECT jsonb_array_elements_text(c.partitions)::int), c.seed, c.dataset, c.config
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::jsonb[], $9::int[], $10::text[], $11::jsonb[])
         AS c(id, name, mode, model_size, blocks, partitions, seed, dataset, config)`,
      [project.id, sweep.id, cells.map((c) => c.runId), cells.map((c) => c.name), cells.map((c) => c.mode), cells.map((c) => c.modelSize),
        cells.map((c) => c.blocks), cells.map((c) => JSON.stringify(c.partitions)), cells.map((c) => c.seed), cells.map((c) => String((c.config.dataset as { name: string }).name)),
        cells.map((c) => JSON.stringify(c.config))]);
    const jobs = await enqueueTrainJobs(client, cells.map((c) => c.runId), spec);
    return { sweep, created: true, cells, jobs };
  });

  publishChanges(app, result.cells.map((cell) => ({ id: cell.runId, sweepId: result.sweep.id, status: 'QUEUED' })), result.jobs);
  return { sweep: result.sweep, created: result.created };
}

/** A sweep's fields, for the Prisma client (lookups); creation and id-prefix lists are SQL. */
const SWEEP = { id: true, projectId: true, name: true, spec: true, specHash: true, createdAt: true } as const;

export async function sweepsByIds(app: AppServices, ids: readonly string[]): Promise<Array<Sweep | null>> {
  const rows = await app.prisma.sweep.findMany({ select: SWEEP, where: { id: { in: [...ids] } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function requireSweep(app: AppServices, id: string): Promise<Sweep> {
  const sweep = (await sweepsByIds(app, [id]))[0];
  if (!sweep) throw new NotFoundError('sweep', id);
  return sweep;
}

/**
 * A sweep by name: within `project` when given, else the only sweep of that name in any project
 * (several → BAD_USER_INPUT naming their projects). Null when there is none.
 */
export async function sweepByName(app: AppServices, name: string, project?: string | null): Promise<Sweep | null> {
  const rows = await app.prisma.sweep.findMany({
    select: { ...SWEEP, project: { select: { name: true } } },
    where: { name, ...(project === undefined || project === null ? {} : { project: { name: project } }) },
    orderBy: { project: { name: 'asc' } },
    take: 20,
  });
  if (rows.length > 1) {
    throw new BadInputError(`several projects have a sweep named ${JSON.stringify(name)} (${rows.map((r) => r.project.name).join(', ')}); give project`, 'project');
  }
  const row = rows[0];
  if (!row) return null;
  const { project: _project, ...sweep } = row;
  return sweep;
}

export async function listSweeps(app: AppServices, filter: { projectId?: string | null; project?: string | null; idPrefix?: string | null; first: number }): Promise<Sweep[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.idPrefix) where.push(`s.id::text LIKE $${values.push(idPrefixPattern(filter.idPrefix))}`);
  if (filter.projectId) where.push(`s.project_id = $${values.push(filter.projectId)}::uuid`);
  // An explicit null (GraphQL clients often send one) means "no filter", like an absent argument.
  if (filter.project !== undefined && filter.project !== null) where.push(`s.project_id = (SELECT id FROM projects WHERE name = $${values.push(filter.project)})`);
  const { rows } = await app.readPool.query<SweepRow>(
    `SELECT ${SWEEP_COLUMNS} FROM sweeps s ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY s.created_at DESC, s.id LIMIT $${values.push(filter.first)}`, values);
  return rows;
}

export async function sweepsByProject(app: AppServices, projectIds: readonly string[]): Promise<Sweep[][]> {
  const rows = await app.readPrisma.sweep.findMany({ select: SWEEP, where: { projectId: { in: [...projectIds] } }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  return projectIds.map((id) => rows.filter((r) => r.projectId === id));
}

export function factorsOf(sweep: Sweep): SweepFactors {
  const spec = sweep.spec as { factors?: SweepFactors } | null;
  return spec?.factors ?? { modelSizes: [], blocks: [], modes: [], seeds: [] };
}

export async function statusCounts(app: AppServices, sweepIds: readonly string[]): Promise<StatusCounts[]> {
  const { rows } = await app.pool.query<Pick<Row<'runs'>, 'sweep_id' | 'status'> & { n: number }>(
    'SELECT sweep_id, status, count(*)::int AS n FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY 1, 2', [sweepIds]);
  return sweepIds.map((id) => {
    const counts: StatusCounts = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const row of rows) {
      if (row.sweep_id !== id) continue;
      counts.total += row.n;
      counts[row.status.toLowerCase() as keyof Omit<StatusCounts, 'total'>] = row.n;
    }
    return counts;
  });
}
