// Runs: the filtered, keyset-paginated listing, loaders for everything a run links to, and the
// researcher's writes (cancel, retry, tags, notes).
import type { AppServices, Context } from '../context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors/codes.js';
import { SortDirection } from './run.enums.js';
import { PAGE_SIZE_CEILING, RunOrderField, type EvaluationFilter, type RunFilter, type RunOrder, type RunsArgs } from './run.input.js';
import type { Checkpoint, Evaluation, JobAttempt, Run, RunConnection } from './run.type.js';
import { SqlParams, likeEscape, withTransaction } from '../common/sql.js';
import { selectList, type Fields, type Row, type RowOf } from '../common/columns.js';
import { idPrefixPattern, parseId } from '../common/ids.js';
import { cancelRunsWhere } from '../job/cancel-jobs.js';
import { requeueTrainJob } from '../job/enqueue-train.js';
import { publishChanges } from '../job/events.js';
import { runById } from './run.loaders.js';

const RUN_FIELDS = {
  id: 'id', projectId: 'project_id', sweepId: 'sweep_id', name: 'name', mode: 'mode', modelSize: 'model_size', blocks: 'blocks',
  partitions: 'partitions', seed: 'seed', dataset: 'dataset', config: 'config', status: 'status', backend: 'backend', agentId: 'agent_id',
  tags: 'tags', notes: 'notes', error: 'error', divergence: 'divergence',
  createdAt: 'created_at', startedAt: 'started_at', finishedAt: 'finished_at', updatedAt: 'updated_at',
} as const satisfies Fields<'runs'>;

/** Every run column, aliased to the GraphQL field names. */
export const RUN_COLUMNS = selectList('runs', 'r', RUN_FIELDS);

/** A run row as RUN_COLUMNS reads it (its divergence JSON is what the agent reported). */
export type RunRow = RowOf<'runs', typeof RUN_FIELDS> & { divergence: Run['divergence'] };

const EVALUATION_FIELDS = {
  id: 'id', runId: 'run_id', step: 'step', kind: 'kind', metric: 'metric', target: 'target', dataset: 'dataset', split: 'split',
  depthUnit: 'depth_unit', depth: 'depth', partition: 'partition', value: 'value', std: 'std', ciLow: 'ci_low', ciHigh: 'ci_high',
  folds: 'folds', n: 'n', createdAt: 'created_at',
} as const satisfies Fields<'evaluations'>;

const EVALUATION_COLUMNS = selectList('evaluations', 'e', EVALUATION_FIELDS);

// ---- listing -------------------------------------------------------------------------------

interface SortSpec { expr: string; cast: string }

const SORTS: Record<RunOrderField, SortSpec> = {
  CREATED_AT: { expr: 'r.created_at', cast: 'timestamptz' },
  UPDATED_AT: { expr: 'r.updated_at', cast: 'timestamptz' },
  // Keyset pagination needs a total order: runs that have not started sort as -infinity.
  STARTED_AT: { expr: "COALESCE(r.started_at, '-infinity'::timestamptz)", cast: 'timestamptz' },
  FINISHED_AT: { expr: "COALESCE(r.finished_at, '-infinity'::timestamptz)", cast: 'timestamptz' },
  NAME: { expr: 'r.name', cast: 'text' },
  SEED: { expr: 'r.seed', cast: 'int' },
};

/** SQL conditions (ANDed) for a run filter; parameters go into `params`. */
export function runConditions(filter: RunFilter | undefined, params: SqlParams): string[] {
  const where: string[] = [];
  if (!filter) return where;
  if (filter.ids) where.push(`r.id = ANY(${params.add(filter.ids, 'uuid[]')})`);
  if (filter.projectId) where.push(`r.project_id = ${params.add(filter.projectId, 'uuid')}`);
  if (filter.project !== undefined && filter.project !== null) where.push(`r.project_id = (SELECT p.id FROM projects p WHERE p.name = ${params.add(filter.project)})`);
  if (filter.sweepId) where.push(`r.sweep_id = ${params.add(filter.sweepId, 'uuid')}`);
  if (filter.status) where.push(`r.status::text = ANY(${params.add(filter.status, 'text[]')})`);
  if (filter.mode) where.push(`r.mode::text = ANY(${params.add(filter.mode, 'text[]')})`);
  if (filter.modelSize) where.push(`r.model_size = ANY(${params.add(filter.modelSize, 'text[]')})`);
  // K: runs evaluated at any of these (a sweep's E2E run at every K of the sweep).
  if (filter.blocks) where.push(`r.partitions && ${params.add(filter.blocks, 'int[]')}`);
  if (filter.seed) where.push(`r.seed = ANY(${params.add(filter.seed, 'int[]')})`);
  if (filter.tags && filter.tags.length > 0) where.push(`r.tags @> ${params.add(filter.tags, 'text[]')}`);
  if (filter.idPrefix) where.push(`r.id::text LIKE ${params.add(idPrefixPattern(filter.idPrefix))}`);
  if (filter.nameContains) where.push(`r.name ILIKE ${params.add(`%${likeEscape(filter.nameContains)}%`)}`);
  for (const [i, c] of (filter.config ?? []).entries()) {
    if (c.equals === undefined || c.equals === null) {
      // JSON null and a missing key both count as null.
      const path = params.add(c.path.split('.'), 'text[]');
      where.push(`r.config #> ${path} IS NULL OR r.config #> ${path} = 'null'::jsonb`);
      continue;
    }
    let json: string;
    try {
      json = JSON.stringify(c.equals);
    } catch {
      throw new BadInputError(`filter.config[${i}].equals is not JSON`, `filter.config[${i}].equals`);
    }
    where.push(`r.config #> ${params.add(c.path.split('.'), 'text[]')} = ${params.add(json, 'jsonb')}`);
  }
  return where;
}

interface Cursor { field: RunOrderField; key: string; id: string }

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.field, cursor.key, cursor.id])).toString('base64url');
}

function decodeCursor(text: string, field: RunOrderField): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string' || !/^[0-9a-f-]{36}$/.test(parsed[2])) {
    throw new BadInputError('after is not a cursor returned by this query', 'after');
  }
  if (parsed[0] !== field) throw new BadInputError(`after is a cursor for ordering by ${String(parsed[0])}, not ${field}`, 'after');
  return { field, key: parsed[1], id: parsed[2] };
}

export async function listRuns(app: AppServices, args: RunsArgs): Promise<RunConnection> {
  const limit = Math.min(app.config.MAX_PAGE_SIZE, PAGE_SIZE_CEILING);
  if (args.first > limit) throw new BadInputError(`first must be at most ${limit}`, 'first');
  const order: RunOrder = args.orderBy ?? { field: RunOrderField.CREATED_AT, direction: SortDirection.DESC };
  const sort = SORTS[order.field];
  const desc = order.direction === SortDirection.DESC;

  const params = new SqlParams();
  const where = runConditions(args.filter, params);
  const countWhere = [...where];
  const countValues = [...params.values];
  if (args.after) {
    const cursor = decodeCursor(args.after, order.field);
    where.push(`(${sort.expr}, r.id) ${desc ? '<' : '>'} (${params.add(cursor.key, sort.cast)}, ${params.add(cursor.id, 'uuid')})`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const sql = `SELECT ${RUN_COLUMNS}, (${sort.expr})::text AS "sortKey" FROM runs r
    ${where.length ? 'WHERE ' + where.map((w) => `(${w})`).join(' AND ') : ''}
    ORDER BY ${sort.expr} ${dir}, r.id ${dir} LIMIT ${args.first + 1}`;
  let rows: Array<RunRow & { sortKey: string }>;
  try {
    rows = (await app.readPool.query<RunRow & { sortKey: string }>(sql, params.values)).rows;
  } catch (error) {
    // A cursor whose key does not parse as the sort type (hand-edited) is bad input.
    if (args.after && ['22007', '22008', '22P02'].includes((error as { code?: string }).code ?? '')) {
      throw new BadInputError('after is not a cursor returned by this query', 'after');
    }
    throw error;
  }
  const hasNextPage = rows.length > args.first;
  const page = rows.slice(0, args.first);
  const edges = page.map(({ sortKey, ...run }) => ({ cursor: encodeCursor({ field: order.field, key: sortKey, id: run.id }), node: run satisfies Run }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countAll: async () => {
      const { rows: counted } = await app.readPool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM runs r ${countWhere.length ? 'WHERE ' + countWhere.map((w) => `(${w})`).join(' AND ') : ''}`, countValues);
      return counted[0]!.n;
    },
  };
}

export async function runsByIds(app: AppServices, ids: readonly string[]): Promise<Array<Run | null>> {
  const { rows } = await app.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function getRun(ctx: Context, id: string): Promise<Run | null> {
  return runById(ctx).load(parseId(id, 'id'));
}

/** The runs, or NOT_FOUND naming the first missing id. */
export async function requireRuns(app: AppServices, ids: readonly string[], field: string): Promise<Run[]> {
  const runs = await runsByIds(app, ids);
  const missing = ids.findIndex((_, i) => runs[i] === null);
  if (missing >= 0) throw new NotFoundError(`run (${field}[${missing}])`, ids[missing]!);
  return runs as Run[];
}

// ---- relations -----------------------------------------------------------------------------

export async function checkpointsByRun(app: AppServices, runIds: readonly string[]): Promise<Checkpoint[][]> {
  const rows = await app.readPrisma.checkpoint.findMany({
    select: { id: true, runId: true, step: true, uri: true, sha256: true, bytes: true, createdAt: true },
    where: { runId: { in: [...runIds] } },
    orderBy: { step: 'asc' },
  });
  return groupBy(runIds, rows.map((r) => ({ ...r, bytes: Number(r.bytes) })), (r) => r.runId);
}

export async function jobsByRun(app: AppServices, runIds: readonly string[]): Promise<JobAttempt[][]> {
  const rows = await app.prisma.job.findMany({
    select: {
      id: true, runId: true, kind: true, status: true, priority: true, attempts: true, maxAttempts: true, notBefore: true, leaseOwner: true,
      leaseExpiresAt: true, cancelRequested: true, progress: true, lastError: true, requirements: true, createdAt: true, updatedAt: true,
    },
    where: { runId: { in: [...runIds] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  // The schema's job enums hold the GraphQL enums' values.
  return groupBy(runIds, rows as Array<JobAttempt & { runId: string }>, (r) => r.runId);
}

export async function evaluationsByRun(app: AppServices, runIds: readonly string[], filter: EvaluationFilter | undefined): Promise<Evaluation[][]> {
  const params = new SqlParams();
  const where = [`e.run_id = ANY(${params.add(runIds, 'uuid[]')})`];
  if (filter?.kind) where.push(`e.kind::text = ANY(${params.add(filter.kind, 'text[]')})`);
  if (filter?.metric) where.push(`e.metric = ANY(${params.add(filter.metric, 'text[]')})`);
  if (filter?.target) where.push(`e.target = ANY(${params.add(filter.target, 'text[]')})`);
  if (filter?.dataset !== undefined && filter.dataset !== null) where.push(`e.dataset = ${params.add(filter.dataset)}`);
  if (filter?.depthUnit) where.push(`e.depth_unit::text = ${params.add(filter.depthUnit)}`);
  if (filter?.step !== undefined && filter.step !== null) where.push(`e.step = ${params.add(filter.step)}`);
  if (filter?.partition !== undefined && filter.partition !== null) where.push(`e.partition = ${params.add(filter.partition)}`);
  const identity = 'e.run_id, e.kind, e.metric, e.target, e.dataset, e.split, e.depth_unit, e.depth, e.partition';
  const sql = filter?.latestOnly
    ? `SELECT * FROM (SELECT DISTINCT ON (${identity}) ${EVALUATION_COLUMNS} FROM evaluations e WHERE ${where.join(' AND ')}
         ORDER BY ${identity}, e.step DESC) x ORDER BY x.kind, x.metric, x.target, x."depthUnit", x.partition, x.depth, x.step`
    : `SELECT ${EVALUATION_COLUMNS} FROM evaluations e WHERE ${where.join(' AND ')} ORDER BY e.step, e.kind, e.metric, e.target, e.depth_unit, e.partition, e.depth`;
  const { rows } = await app.readPool.query<RowOf<'evaluations', typeof EVALUATION_FIELDS>>(sql, params.values);
  return groupBy(runIds, rows, (r) => r.runId);
}

export function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}

// ---- writes --------------------------------------------------------------------------------

export async function cancelRun(app: AppServices, runId: string): Promise<Run> {
  const id = parseId(runId, 'runId');
  const changed = await withTransaction(app.pool, async (client) => {
    const current = (await client.query<Pick<Row<'runs'>, 'status'>>('SELECT status FROM runs WHERE id = $1', [id])).rows[0];
    if (!current) throw new NotFoundError('run', id);
    if (current.status === 'SUCCEEDED' || current.status === 'FAILED') {
      throw new ConflictError(`run ${id} already finished (${current.status}); there is nothing to cancel`);
    }
    return cancelRunsWhere(client, 'r.id = $1', [id]);
  });
  publishChanges(app, changed.runs, changed.jobs);
  return (await runsByIds(app, [id]))[0]!;
}

export async function cancelSweepRuns(app: AppServices, sweepId: string): Promise<{ cancelledRuns: number; cancelRequested: number }> {
  const changed = await withTransaction(app.pool, async (client) => {
    const found = await client.query('SELECT 1 FROM sweeps WHERE id = $1', [sweepId]);
    if (!found.rowCount) throw new NotFoundError('sweep', sweepId);
    return cancelRunsWhere(client, 'r.sweep_id = $1', [sweepId]);
  });
  publishChanges(app, changed.runs, changed.jobs);
  return { cancelledRuns: changed.runs.length, cancelRequested: changed.jobs.filter((j) => j.status === 'RUNNING').length };
}

/**
 * Queues a FAILED or CANCELLED run again: a new TRAIN job with the last job's priority, attempt
 * budget and requirements (the agent resumes from the run's latest checkpoint).
 */
export async function retryRun(app: AppServices, runId: string): Promise<Run> {
  const id = parseId(runId, 'runId');
  const changed = await withTransaction(app.pool, async (client) => {
    const running = await client.query(`SELECT 1 FROM jobs WHERE run_id = $1 AND status = 'RUNNING' FOR UPDATE`, [id]);
    const current = (await client.query<Pick<Row<'runs'>, 'status' | 'sweep_id'>>('SELECT status, sweep_id FROM runs WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!current) throw new NotFoundError('run', id);
    if (current.status !== 'FAILED' && current.status !== 'CANCELLED') {
      throw new ConflictError(`only FAILED or CANCELLED runs can be retried; run ${id} is ${current.status}`);
    }
    if (running.rowCount) throw new ConflictError(`run ${id} still has a running job (cancel requested); retry once its agent has stopped`);
    const job = await requeueTrainJob(client, id);
    await client.query(`UPDATE runs SET status = 'QUEUED', error = NULL, divergence = NULL, finished_at = NULL, updated_at = now() WHERE id = $1`, [id]);
    return { runs: [{ id, sweepId: current.sweep_id, status: 'QUEUED' as const }], jobs: [job] };
  });
  publishChanges(app, changed.runs, changed.jobs);
  return (await runsByIds(app, [id]))[0]!;
}

async function updateRuns(app: AppServices, ids: string[], set: string, values: unknown[]): Promise<Run[]> {
  const unique = [...new Set(ids.map((id, i) => parseId(id, `runIds[${i}]`)))];
  // All or nothing: an unknown id rolls the whole update back.
  const rows = await withTransaction(app.pool, async (client) => {
    const updated = (await client.query<RunRow>(
      `UPDATE runs r SET ${set}, updated_at = now() WHERE r.id = ANY($1::uuid[]) RETURNING ${RUN_COLUMNS}`, [unique, ...values])).rows;
    if (updated.length !== unique.length) {
      const found = new Set(updated.map((r) => r.id));
      throw new NotFoundError('run', unique.find((id) => !found.has(id))!);
    }
    return updated;
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return unique.map((id) => byId.get(id)!);
}

export async function setRunTags(app: AppServices, runId: string, tags: string[]): Promise<Run> {
  return (await updateRuns(app, [runId], `tags = (SELECT COALESCE(array_agg(DISTINCT t ORDER BY t), '{}') FROM unnest($2::text[]) t)`, [tags]))[0]!;
}

export async function addRunTags(app: AppServices, runIds: string[], tags: string[]): Promise<Run[]> {
  return updateRuns(app, runIds, `tags = (SELECT COALESCE(array_agg(DISTINCT t ORDER BY t), '{}') FROM unnest(r.tags || $2::text[]) t)`, [tags]);
}

export async function removeRunTags(app: AppServices, runIds: string[], tags: string[]): Promise<Run[]> {
  return updateRuns(app, runIds, `tags = ARRAY(SELECT t FROM unnest(r.tags) t WHERE t <> ALL($2::text[]))`, [tags]);
}

export async function setRunNotes(app: AppServices, runId: string, notes: string | null): Promise<Run> {
  return (await updateRuns(app, [runId], 'notes = $2', [notes === '' ? null : notes]))[0]!;
}
