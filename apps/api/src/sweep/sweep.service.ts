// Sweeps: a declared grid expanded into one run (with the trainer's resolved config) and one
// queued TRAIN job per cell, in one transaction, idempotent on (project, name, spec hash).
import crypto from 'node:crypto';
import { z } from 'zod';
import { ConfigError, PRESET_NAMES, resolveRunConfig, type RunConfig } from '@stratum/run-config';
import type { AppServices } from '../context.js';
import { BadInputError, coded, ConflictError, NotFoundError } from '../errors/codes.js';
import { idPrefixPattern } from '../run/ids.js';
import { Topics } from '../events/pubsub.js';
import { REGIME_OF_MODE, RunMode } from '../run/run.enums.js';
import { withTransaction } from '../run/sql.js';
import type { CreateSweepInput } from './sweep.input.js';
import type { StatusCounts, Sweep, SweepFactors } from './sweep.type.js';

export const MAX_CELLS = 1000;

const SWEEP_COLUMNS = 's.id, s.project_id AS "projectId", s.name, s.spec, s.spec_hash AS "specHash", s.created_at AS "createdAt"';

/** Run-config keys the sweep itself sets; overrides may not touch them. */
const FACTOR_KEYS: Record<string, string> = {
  preset: 'factors.modelSizes',
  regime: 'factors.modes',
  blocks: 'factors.blocks',
  seed: 'factors.seeds',
  dataset: 'dataset',
  steps: 'steps',
};

const MODE_ORDER: RunMode[] = [RunMode.E2E, RunMode.BLOCKWISE_SIMULTANEOUS, RunMode.BLOCKWISE_SEQUENTIAL];
const MODE_SHORT: Record<RunMode, string> = { E2E: 'e2e', BLOCKWISE_SIMULTANEOUS: 'sim', BLOCKWISE_SEQUENTIAL: 'seq' };

const requirementsSchema = z.strictObject({
  backends: z.array(z.string().min(1).max(50)).max(10).optional(),
  labels: z.record(z.string().max(100), z.union([z.string().max(200), z.number(), z.boolean()])).optional(),
  gpu: z.boolean().optional(),
  devices: z.number().int().min(1).max(64).optional(),
});

export interface Issue { field: string; message: string }

/** BAD_USER_INPUT listing every problem, each with the input field it is about. */
export function invalidSweep(issues: Issue[]) {
  const unique = [...new Map(issues.map((i) => [`${i.field}: ${i.message}`, i])).values()];
  return coded('BAD_USER_INPUT', `invalid sweep: ${unique.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
    field: unique[0]?.field,
    fields: [...new Set(unique.map((i) => i.field))],
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface NormalisedSpec {
  factors: SweepFactors;
  dataset: Record<string, unknown> | null;
  steps: number | null;
  evaluation: Record<string, unknown> | null;
  overrides: Record<string, unknown>;
  requirements: Record<string, unknown>;
  priority: number;
  maxAttempts: number;
}

export interface Cell {
  runId: string;
  name: string;
  modelSize: string;
  blocks: number;
  /** K values the run is evaluated at (E2E: every K of the sweep). */
  partitions: number[];
  mode: RunMode;
  seed: number;
  config: Record<string, unknown>;
}

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const v of values) (seen.has(v) ? repeated : seen).add(v);
  return [...repeated];
}

/** Checks the declared spec and brings it to its canonical form (sorted factors, defaults). */
export function normaliseSpec(input: CreateSweepInput): NormalisedSpec {
  const issues: Issue[] = [];
  const f = input.factors;
  for (const [field, values] of [['modelSizes', f.modelSizes], ['blocks', f.blocks], ['modes', f.modes], ['seeds', f.seeds]] as const) {
    const repeated = duplicates<unknown>(values);
    if (repeated.length) issues.push({ field: `factors.${field}`, message: `repeats ${repeated.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  for (const size of f.modelSizes) {
    if (!(PRESET_NAMES as readonly string[]).includes(size)) {
      issues.push({ field: 'factors.modelSizes', message: `unknown model size ${JSON.stringify(size)} (known: ${PRESET_NAMES.join(', ')})` });
    }
  }
  const cells = runCount(f);
  if (cells > MAX_CELLS) issues.push({ field: 'factors', message: `expands to ${cells} runs; the limit is ${MAX_CELLS}` });
  if (input.dataset !== undefined && input.dataset !== null && (!isPlainObject(input.dataset) || typeof input.dataset.name !== 'string')) {
    issues.push({ field: 'dataset', message: 'must be a JSON object with a "name", e.g. { "name": "moving-mnist" }' });
  }
  if (input.evaluation !== undefined && input.evaluation !== null && !isPlainObject(input.evaluation)) {
    issues.push({ field: 'evaluation', message: 'must be a JSON object' });
  }
  let overrides: Record<string, unknown> = {};
  if (input.overrides !== undefined && input.overrides !== null) {
    if (!isPlainObject(input.overrides)) issues.push({ field: 'overrides', message: 'must be a JSON object of trainer config fields' });
    else {
      overrides = input.overrides;
      for (const key of Object.keys(overrides)) {
        if (key in FACTOR_KEYS) issues.push({ field: `overrides.${key}`, message: `is set by the sweep; use ${FACTOR_KEYS[key]}` });
        if (key === 'evaluation') issues.push({ field: 'overrides.evaluation', message: 'use the evaluation field' });
      }
    }
  }
  let requirements: Record<string, unknown> = {};
  if (input.requirements !== undefined && input.requirements !== null) {
    const parsed = requirementsSchema.safeParse(input.requirements);
    if (parsed.success) requirements = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [null];
        for (const key of keys) issues.push({ field: ['requirements', path, key].filter(Boolean).join('.'), message: key ? 'unknown key' : issue.message });
      }
    }
  }
  if (issues.length) throw invalidSweep(issues);

  const presetRank = (s: string) => (PRESET_NAMES as readonly string[]).indexOf(s);
  return {
    factors: {
      modelSizes: [...f.modelSizes].sort((a, b) => presetRank(a) - presetRank(b)),
      blocks: [...f.blocks].sort((a, b) => a - b),
      modes: [...f.modes].sort((a, b) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b)),
      seeds: [...f.seeds].sort((a, b) => a - b),
    },
    dataset: (input.dataset as Record<string, unknown> | undefined) ?? null,
    steps: input.steps ?? null,
    evaluation: (input.evaluation as Record<string, unknown> | undefined) ?? null,
    overrides,
    requirements,
    priority: input.priority,
    maxAttempts: input.maxAttempts,
  };
}

/** Where a trainer config issue points in the sweep input. */
function sweepField(configPath: string): string {
  const head = configPath.split('.')[0] ?? '';
  if (head in FACTOR_KEYS) return FACTOR_KEYS[head]! + (head === 'dataset' && configPath !== 'dataset' ? configPath.slice('dataset'.length) : '');
  return configPath ? `overrides.${configPath}` : 'overrides';
}

/**
 * One run per combination, each with the trainer's resolved config; every invalid one reported.
 * E2E training does not depend on K (its one decoder sits on the last layer), so E2E is one run
 * per (size, seed) with `partitions` = every K of the sweep: the agent evaluates it at each K's
 * block boundaries (config.evaluation.partitions) and the grid shows it under each K. Its
 * checkpoint is built with the smallest K.
 */
export function expandSpec(sweepName: string, spec: NormalisedSpec): Cell[] {
  const cells: Cell[] = [];
  const issues: Issue[] = [];
  const { factors } = spec;
  const resolve = (modelSize: string, mode: RunMode, blocks: number, seed: number): RunConfig | null => {
    try {
      return resolveRunConfig({
        ...spec.overrides,
        preset: modelSize,
        regime: REGIME_OF_MODE[mode],
        blocks,
        seed,
        ...(spec.dataset ? { dataset: spec.dataset } : {}),
        ...(spec.steps !== null ? { steps: spec.steps } : {}),
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const issue of error.issues) {
        issues.push({ field: sweepField(issue.path), message: `${issue.message} (${modelSize}, K=${blocks}, ${mode})` });
      }
      return null;
    }
  };
  const cell = (modelSize: string, mode: RunMode, seed: number, partitions: number[], name: string): void => {
    const configs = partitions.map((k) => resolve(modelSize, mode, k, seed));
    const config = configs[0];
    if (!config || configs.some((c) => c === null)) return;
    const evaluation = mode === RunMode.E2E ? { ...spec.evaluation, partitions } : spec.evaluation;
    cells.push({
      runId: crypto.randomUUID(),
      name: `${sweepName}/${name}`,
      modelSize,
      blocks: config.blocks,
      partitions,
      mode,
      seed,
      config: evaluation ? { ...config, evaluation } : { ...config },
    });
  };
  for (const modelSize of factors.modelSizes) {
    if (factors.modes.includes(RunMode.E2E)) {
      for (const seed of factors.seeds) cell(modelSize, RunMode.E2E, seed, [...factors.blocks], `${modelSize}-e2e-s${seed}`);
    }
    for (const blocks of factors.blocks) {
      for (const mode of factors.modes) {
        if (mode === RunMode.E2E) continue;
        for (const seed of factors.seeds) cell(modelSize, mode, seed, [blocks], `${modelSize}-k${blocks}-${MODE_SHORT[mode]}-s${seed}`);
      }
    }
  }
  // The same problem for every seed is one problem.
  if (issues.length) throw invalidSweep(issues);
  return cells;
}

/** Runs a sweep of these factors trains: E2E once per (size, seed), blockwise once per K as well. */
export function runCount(f: { modelSizes: readonly unknown[]; blocks: readonly unknown[]; modes: readonly RunMode[]; seeds: readonly unknown[] }): number {
  const e2e = f.modes.includes(RunMode.E2E) ? 1 : 0;
  return f.modelSizes.length * f.seeds.length * (e2e + f.blocks.length * (f.modes.length - e2e));
}

function specDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => specDifferences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a ?? null) === canonicalJson(b ?? null) ? [] : [prefix || '(spec)'];
}

export async function createSweep(app: AppServices, input: CreateSweepInput): Promise<{ sweep: Sweep; created: boolean }> {
  const spec = normaliseSpec(input);
  const specJson = canonicalJson(spec);
  const specHash = crypto.createHash('sha256').update(specJson).digest('hex');
  const cells = expandSpec(input.name, spec);

  const result = await withTransaction(app.pool, async (client) => {
    const project = (await client.query<{ id: string }>(
      `INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [input.project])).rows[0]!;
    const inserted = await client.query<Sweep>(
      `INSERT INTO sweeps AS s (project_id, name, spec, spec_hash, expansion) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb)
       ON CONFLICT (project_id, name) DO NOTHING RETURNING ${SWEEP_COLUMNS}`,
      [project.id, input.name, specJson, specHash, JSON.stringify(cells.map(({ config: _config, ...cell }) => cell))]);
    if (!inserted.rows[0]) {
      const existing = (await client.query<Sweep>(`SELECT ${SWEEP_COLUMNS} FROM sweeps s WHERE s.project_id = $1 AND s.name = $2`, [project.id, input.name])).rows[0]!;
      if (existing.specHash === specHash) return { sweep: existing, created: false, cells: [] as Cell[], jobs: [] as Array<{ id: string; runId: string }> };
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
    const jobs = (await client.query<{ id: string; runId: string }>(
      `INSERT INTO jobs (run_id, kind, status, priority, max_attempts, requirements)
       SELECT r, 'TRAIN', 'QUEUED', $2, $3, $4::jsonb FROM unnest($1::uuid[]) r
       RETURNING id, run_id AS "runId"`,
      [cells.map((c) => c.runId), spec.priority, spec.maxAttempts, JSON.stringify(spec.requirements)])).rows;
    return { sweep, created: true, cells, jobs };
  });

  for (const cell of result.cells) app.pubsub.publish(Topics.runStatus, { runId: cell.runId, sweepId: result.sweep.id, status: 'QUEUED' });
  for (const job of result.jobs) app.pubsub.publish(Topics.queue, { jobId: job.id, runId: job.runId, status: 'QUEUED' });
  return { sweep: result.sweep, created: result.created };
}

export async function sweepsByIds(app: AppServices, ids: readonly string[]): Promise<Array<Sweep | null>> {
  const { rows } = await app.pool.query<Sweep>(`SELECT ${SWEEP_COLUMNS} FROM sweeps s WHERE s.id = ANY($1::uuid[])`, [ids]);
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
  const values: unknown[] = [name];
  const inProject = project === undefined || project === null ? '' : `AND p.name = $${values.push(project)}`;
  const { rows } = await app.pool.query<Sweep & { projectName: string }>(
    `SELECT ${SWEEP_COLUMNS}, p.name AS "projectName" FROM sweeps s JOIN projects p ON p.id = s.project_id
     WHERE s.name = $1 ${inProject} ORDER BY p.name LIMIT 20`, values);
  if (rows.length > 1) {
    throw new BadInputError(`several projects have a sweep named ${JSON.stringify(name)} (${rows.map((r) => r.projectName).join(', ')}); give project`, 'project');
  }
  const row = rows[0];
  if (!row) return null;
  const { projectName: _projectName, ...sweep } = row;
  return sweep;
}

export async function listSweeps(app: AppServices, filter: { projectId?: string | null; project?: string | null; idPrefix?: string | null; first: number }): Promise<Sweep[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.idPrefix) where.push(`s.id::text LIKE $${values.push(idPrefixPattern(filter.idPrefix))}`);
  if (filter.projectId) where.push(`s.project_id = $${values.push(filter.projectId)}::uuid`);
  // An explicit null (GraphQL clients often send one) means "no filter", like an absent argument.
  if (filter.project !== undefined && filter.project !== null) where.push(`s.project_id = (SELECT id FROM projects WHERE name = $${values.push(filter.project)})`);
  const { rows } = await app.readPool.query<Sweep>(
    `SELECT ${SWEEP_COLUMNS} FROM sweeps s ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY s.created_at DESC, s.id LIMIT $${values.push(filter.first)}`, values);
  return rows;
}

export async function sweepsByProject(app: AppServices, projectIds: readonly string[]): Promise<Sweep[][]> {
  const { rows } = await app.readPool.query<Sweep>(`SELECT ${SWEEP_COLUMNS} FROM sweeps s WHERE s.project_id = ANY($1::uuid[]) ORDER BY s.created_at DESC, s.id`, [projectIds]);
  return projectIds.map((id) => rows.filter((r) => r.projectId === id));
}

export function factorsOf(sweep: Sweep): SweepFactors {
  const spec = sweep.spec as { factors?: SweepFactors } | null;
  return spec?.factors ?? { modelSizes: [], blocks: [], modes: [], seeds: [] };
}

export async function statusCounts(app: AppServices, sweepIds: readonly string[]): Promise<StatusCounts[]> {
  const { rows } = await app.pool.query<{ sweepId: string; status: string; n: number }>(
    'SELECT sweep_id AS "sweepId", status::text AS status, count(*)::int AS n FROM runs WHERE sweep_id = ANY($1::uuid[]) GROUP BY 1, 2', [sweepIds]);
  return sweepIds.map((id) => {
    const counts: StatusCounts = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const row of rows) {
      if (row.sweepId !== id) continue;
      counts.total += row.n;
      counts[row.status.toLowerCase() as keyof Omit<StatusCounts, 'total'>] = row.n;
    }
    return counts;
  });
}
