// Fixtures for the researcher-facing API tests: GraphQL documents, SQL seeding of runs, metric
// points, evaluations and similarity matrices (the agent protocol is tested on its own).
import crypto from 'node:crypto';
import { rebuildMetricRollups } from '@stratum/db';
import type { GraphQLResponse, TestApi } from './harness.js';

export function errorCode(response: GraphQLResponse<unknown>): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

export function errorField(response: GraphQLResponse<unknown>): string | undefined {
  const ext = response.errors?.[0]?.extensions as { field?: string; fields?: string[] } | undefined;
  return ext?.field ?? ext?.fields?.[0];
}

export const CREATE_SWEEP = `mutation($input: CreateSweepInput!) {
  createSweep(input: $input) { created sweep { id name specHash spec factors { modelSizes blocks modes seeds } project { name }
    statusCounts { total queued running succeeded failed cancelled }
    runs { id name mode modelSize blocks partitions seed dataset config status jobs { id status priority maxAttempts requirements } } } }
}`;

export interface SeededRun { id: string; name: string; mode: string; modelSize: string; blocks: number; seed: number }

let projectIds = new Map<string, string>();

export async function seedProject(t: TestApi, name = 'proj'): Promise<string> {
  const { rows } = await t.api.services.pool.query<{ id: string }>(
    'INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id', [name]);
  projectIds.set(name, rows[0]!.id);
  return rows[0]!.id;
}

export function resetFixtureCache(): void {
  projectIds = new Map();
}

/** A sweep row with the given runs (no jobs), inserted directly. */
export async function seedSweep(
  t: TestApi,
  name: string,
  cells: Array<{ modelSize: string; blocks: number; mode: string; seed: number; status?: string }>,
  project = 'proj',
): Promise<{ sweepId: string; runs: Array<SeededRun & { status: string }> }> {
  const pool = t.api.services.pool;
  const projectId = projectIds.get(project) ?? (await seedProject(t, project));
  const factors = {
    modelSizes: [...new Set(cells.map((c) => c.modelSize))],
    blocks: [...new Set(cells.map((c) => c.blocks))].sort((a, b) => a - b),
    modes: [...new Set(cells.map((c) => c.mode))],
    seeds: [...new Set(cells.map((c) => c.seed))].sort((a, b) => a - b),
  };
  const sweepId = (await pool.query<{ id: string }>(
    `INSERT INTO sweeps (project_id, name, spec, spec_hash, expansion) VALUES ($1, $2, $3, $4, '[]') RETURNING id`,
    [projectId, name, JSON.stringify({ factors }), crypto.randomBytes(8).toString('hex')])).rows[0]!.id;
  const runs = [];
  for (const c of cells) {
    const runName = `${name}/${c.modelSize}-k${c.blocks}-${c.mode}-s${c.seed}`;
    const id = (await pool.query<{ id: string }>(
      `INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'moving-mnist', $8, $9) RETURNING id`,
      [projectId, sweepId, runName, c.mode, c.modelSize, c.blocks, c.seed, JSON.stringify({ preset: c.modelSize, blocks: c.blocks, seed: c.seed }), c.status ?? 'SUCCEEDED'])).rows[0]!.id;
    runs.push({ id, name: runName, ...c, status: c.status ?? 'SUCCEEDED' });
  }
  return { sweepId, runs };
}

export async function seedRun(t: TestApi, fields: Partial<{ name: string; mode: string; modelSize: string; blocks: number; seed: number; status: string; config: unknown; tags: string[]; project: string; sweepId: string }> = {}): Promise<string> {
  const projectId = projectIds.get(fields.project ?? 'proj') ?? (await seedProject(t, fields.project ?? 'proj'));
  const { rows } = await t.api.services.pool.query<{ id: string }>(
    `INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config, status, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'moving-mnist', $8, $9, $10) RETURNING id`,
    [projectId, fields.sweepId ?? null, fields.name ?? `run-${crypto.randomBytes(3).toString('hex')}`, fields.mode ?? 'E2E', fields.modelSize ?? 'nano',
      fields.blocks ?? 3, fields.seed ?? 0, JSON.stringify(fields.config ?? {}), fields.status ?? 'SUCCEEDED', fields.tags ?? []]);
  return rows[0]!.id;
}

export async function keyId(t: TestApi, name: string): Promise<number> {
  const { rows } = await t.api.services.pool.query<{ id: number }>(
    'INSERT INTO metric_keys (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id', [name]);
  return rows[0]!.id;
}

/** Inserts points (block 0 = whole model). */
export async function seedPoints(t: TestApi, runId: string, key: string, points: Array<[step: number, value: number]>, block = 0): Promise<void> {
  const id = await keyId(t, key);
  await t.api.services.pool.query(
    `INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT $1, $2, $3, s, v FROM unnest($4::int[], $5::float8[]) AS x(s, v)`,
    [runId, id, block, points.map((p) => p[0]), points.map((p) => p[1])]);
  // Written around logMetrics, so the series rollups are rebuilt as a bulk load would.
  await rebuildMetricRollups(t.api.services.pool, [runId]);
}

export async function seedEvaluation(t: TestApi, runId: string, e: { kind?: string; metric?: string; target?: string; dataset?: string; depthUnit?: string; depth: number; value: number; step?: number }): Promise<void> {
  await t.api.services.pool.query(
    `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, depth_unit, depth, value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [runId, e.step ?? 1000, e.kind ?? 'LINEAR_PROBE', e.metric ?? 'accuracy', e.target ?? 'digit', e.dataset ?? 'moving-mnist', e.depthUnit ?? 'BLOCK', e.depth, e.value]);
}

export async function seedSimilarity(t: TestApi, runId: string, k: number, values: number[], step = 1000, kind = 'LINEAR_CKA', dataset = 'moving-mnist'): Promise<void> {
  const labels = Array.from({ length: k }, (_, i) => `B${i + 1}`); // as the analysis suite labels blocks
  await t.api.services.pool.query(
    `INSERT INTO similarity_matrices (run_id, kind, step, dataset, row_labels, col_labels, values) VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [runId, kind, step, dataset, labels, values]);
}

/** A k×k matrix (row-major) with 1 on the diagonal and `f(i, j)` elsewhere (i, j 1-based). */
export function matrix(k: number, f: (i: number, j: number) => number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= k; i++) for (let j = 1; j <= k; j++) out.push(i === j ? 1 : f(Math.min(i, j), Math.max(i, j)));
  return out;
}
