// Writes the seed data to the test database in bulk (SQL; metrics through unnest) and returns
// the ids the tests navigate to.
import pg from 'pg';
import type { StartedApi } from '../support/api.js';
import { rebuildMetricRollups } from '@stratum/db';
import { cellKey, EVAL_STEPS, FINAL_STEP, LOG_EVERY, lossAt, trainedRuns, type SeedData, type SeedRun } from './seed-data.js';

/** POSTs one GraphQL operation as an admin and returns data (throws on errors). */
export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, unknown>>;

const CREATE_SWEEP = `mutation Seed($input: CreateSweepInput!) { createSweep(input: $input) { created sweep { id project { id name } } } }`;
const DESCRIBE_PROJECT = `mutation Describe($name: String!, $description: String) { createProject(name: $name, description: $description) { id } }`;

export interface SeededIds {
  projects: Map<string, string>;
  sweeps: Map<string, string>;
  runs: Map<string, string>;
  agents: Map<string, string>;
}

/** UCF101's action classes: the seeded probes' chance level is 1/101. */
export const ACTION_CLASSES = 101;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/**
 * Sweeps are declared through the API (createSweep expands them into runs and queued jobs with
 * the trainer's resolved configs); then SQL moves the runs along (status, agent, timings) and
 * bulk-loads what agents would have reported.
 */
/** Seeds through the test API: a query's data, or an error naming what the API refused. */
export function seedVia(api: Pick<StartedApi, 'gql'>): Gql {
  return async (query, variables) => {
    const { body } = await api.gql(query, variables);
    if (body.errors?.length) throw new Error(`seeding failed: ${JSON.stringify(body.errors)}`);
    return body.data ?? {};
  };
}

export async function writeSeed(databaseUrl: string, data: SeedData, gql: Gql): Promise<SeededIds> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const ids: SeededIds = { projects: new Map(), sweeps: new Map(), runs: new Map(), agents: new Map() };
  try {
    for (const p of data.projects) {
      const created = await gql(DESCRIBE_PROJECT, { name: p.name, description: p.description }) as { createProject: { id: string } };
      ids.projects.set(p.name, created.createProject.id);
    }
    const agents = [
      { name: 'gpu-host-1', host: 'gpu-host-1.lab', devices: [{ kind: 'gpu', name: 'A100 80GB' }, { kind: 'gpu', name: 'A100 80GB' }], backends: ['tensorflow-gpu', 'wasm'], status: 'ONLINE', beat: 0.1 },
      { name: 'gpu-host-2', host: 'gpu-host-2.lab', devices: [{ kind: 'gpu', name: 'RTX 4090' }], backends: ['tensorflow-gpu', 'tensorflow', 'wasm'], status: 'ONLINE', beat: 0.3 },
      { name: 'cpu-box', host: 'cpu-box.lab', devices: [{ kind: 'cpu', name: 'EPYC 7543' }], backends: ['wasm', 'cpu'], status: 'OFFLINE', beat: 130 },
    ];
    for (const a of agents) {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO agents (name, host, devices, backends, status, last_heartbeat_at, version) VALUES ($1, $2, $3, $4, $5::"AgentStatus", $6, '0.1.0') RETURNING id`,
        [a.name, a.host, JSON.stringify(a.devices), a.backends, a.status, minutesAgo(a.beat)],
      );
      ids.agents.set(a.name, rows[0]!.id);
    }
    for (const sweep of data.sweeps) {
      const uniq = <T,>(xs: T[]) => [...new Set(xs)];
      const paper = sweep.runs.some((r) => r.modelSize === 'tiny' || r.modelSize === 'small');
      const created = await gql(CREATE_SWEEP, {
        input: {
          project: sweep.project, name: sweep.name, steps: FINAL_STEP,
          factors: { modelSizes: uniq(sweep.runs.map((r) => r.modelSize)), blocks: uniq(sweep.runs.map((r) => r.blocks)), modes: uniq(sweep.runs.map((r) => r.mode)), seeds: uniq(sweep.runs.map((r) => r.seed)) },
          dataset: paper ? { name: 'folder', root: '/data/ucf101/train' } : { name: 'moving-mnist' },
          overrides: { logEvery: LOG_EVERY, checkpointEvery: 500 },
          evaluation: { everySteps: 500, clips: 256 },
        },
      }) as { createSweep: { sweep: { id: string } } };
      const sweepId = created.createSweep.sweep.id;
      ids.sweeps.set(sweep.name, sweepId);
      await pool.query('UPDATE sweeps SET created_at = $2 WHERE id = $1', [sweepId, minutesAgo(Math.max(...sweep.runs.map((r) => r.createdMinutesAgo)) + 1)]);
      await updateRuns(pool, sweepId, sweep.runs, ids);
    }
    await insertJobs(pool, data, ids);
    await insertMetrics(pool, data, ids);
    await insertEvaluations(pool, data, ids);
    await pool.query('ANALYZE');
  } finally {
    await pool.end();
  }
  return ids;
}

async function updateRuns(pool: pg.Pool, sweepId: string, runs: SeedRun[], ids: SeededIds) {
  const { rows: created } = await pool.query<{ id: string; name: string; model_size: string; partitions: number[]; mode: string; seed: number }>(
    'SELECT id, name, model_size, partitions, mode::text AS mode, seed FROM runs WHERE sweep_id = $1', [sweepId]);
  // A cell of every K the run is evaluated at: the sweep's one E2E run per size and seed stands in
  // each K's cell (its entries share the run; the first one's status and timings are the run's).
  const byKey = new Map(created.flatMap((r) => r.partitions.map((k) => [cellKey(r.model_size, k, r.mode, r.seed), r] as const)));
  for (const run of runs) {
    const row = byKey.get(run.key);
    if (!row) throw new Error(`the API did not create a run for ${run.key}`);
    run.name = row.name;
    ids.runs.set(run.name, row.id);
  }
  runs = trainedRuns(runs);
  const agentFor = (r: SeedRun) => (r.status === 'RUNNING' || r.status === 'SUCCEEDED' ? ids.agents.get('gpu-host-1') ?? null : r.status === 'FAILED' ? ids.agents.get('gpu-host-2') ?? null : null);
  const started = (r: SeedRun) => (r.status === 'QUEUED' ? null : minutesAgo(r.createdMinutesAgo - 1));
  const finished = (r: SeedRun) => (r.status === 'SUCCEEDED' || r.status === 'FAILED' || r.status === 'CANCELLED' ? minutesAgo(r.createdMinutesAgo - 1 - (r.status === 'SUCCEEDED' ? 42 : 13)) : null);
  await pool.query(
    `UPDATE runs r SET status = u.status::"RunStatus", backend = u.backend, agent_id = u.agent, tags = string_to_array(u.tags, ','), error = u.error,
            created_at = u.created, started_at = u.started, finished_at = u.finished
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
       AS u(id, status, backend, agent, tags, error, created, started, finished)
     WHERE r.id = u.id`,
    [
      runs.map((r) => ids.runs.get(r.name)!), runs.map((r) => r.status), runs.map((r) => (r.status === 'QUEUED' ? null : 'tensorflow-gpu')),
      runs.map(agentFor), runs.map((r) => r.tags.join(',')), runs.map((r) => r.error),
      runs.map((r) => minutesAgo(r.createdMinutesAgo)), runs.map(started), runs.map(finished),
    ],
  );
}

async function insertJobs(pool: pg.Pool, data: SeedData, ids: SeededIds) {
  const runs = data.sweeps.flatMap((s) => trainedRuns(s.runs));
  const gpu1 = ids.agents.get('gpu-host-1')!;
  await pool.query(
    `UPDATE jobs j SET status = u.status::"JobStatus", priority = u.priority, attempts = u.attempts, lease_owner = u.owner, lease_expires_at = u.lease,
            fencing_token = u.fence, progress = u.progress::jsonb, last_error = u.err, created_at = u.created, not_before = u.created
     FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::uuid[], $6::timestamptz[], $7::bigint[], $8::text[], $9::text[], $10::timestamptz[])
       AS u(run, status, priority, attempts, owner, lease, fence, progress, err, created)
     WHERE j.run_id = u.run`,
    [
      runs.map((r) => ids.runs.get(r.name)!),
      runs.map((r) => r.status),
      runs.map((r) => (r === data.queuedRun ? 5 : 0)),
      runs.map((r) => (r.status === 'QUEUED' ? 0 : r.status === 'FAILED' ? 3 : 1)),
      runs.map((r) => (r.status === 'RUNNING' ? gpu1 : null)),
      runs.map((r) => (r.status === 'RUNNING' ? new Date(Date.now() + 3600_000) : null)),
      runs.map((r) => (r.status === 'QUEUED' ? 0 : 1)),
      runs.map((r) => (r.status === 'RUNNING' ? JSON.stringify({ step: r.lastStep, totalSteps: FINAL_STEP, phase: 'train' }) : null)),
      runs.map((r) => r.error),
      runs.map((r) => minutesAgo(r.createdMinutesAgo)),
    ],
  );
}

async function insertMetrics(pool: pg.Pool, data: SeedData, ids: SeededIds) {
  const keys = new Map<string, number>();
  for (const key of ['loss', 'lr']) {
    const { rows } = await pool.query<{ id: number }>('INSERT INTO metric_keys (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id', [key]);
    keys.set(key, rows[0]!.id);
  }
  const run: string[] = [], key: number[] = [], block: number[] = [], step: number[] = [], value: number[] = [];
  for (const r of trainedRuns(data.sweeps[0]!.runs)) {
    if (r.lastStep === 0) continue;
    const id = ids.runs.get(r.name)!;
    for (let s = 0; s <= r.lastStep; s += LOG_EVERY) {
      for (let b = 0; b <= r.blocks; b++) {
        if (r.mode === 'E2E' && b > 0) continue; // E2E has one loss (one decoder)
        run.push(id); key.push(keys.get('loss')!); block.push(b); step.push(s); value.push(lossAt(r, b, s));
      }
      run.push(id); key.push(keys.get('lr')!); block.push(0); step.push(s); value.push(1e-4 * (0.5 + 0.5 * Math.cos((Math.PI * s) / FINAL_STEP)));
    }
  }
  await pool.query(
    `INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT * FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::int[], $5::float8[])`,
    [run, key, block, step, value],
  );
  await rebuildMetricRollups(pool, [...new Set(run)]); // written around logMetrics, as a bulk load would be
}

async function insertEvaluations(pool: pg.Pool, data: SeedData, ids: SeededIds) {
  // Each entry's measurements at its K (an E2E run's entries: one per K of the sweep).
  const e = { run: [] as string[], step: [] as number[], kind: [] as string[], metric: [] as string[], target: [] as string[], depth: [] as number[], value: [] as number[], k: [] as number[] };
  const sims = { run: [] as string[], labels: [] as string[], values: [] as string[], k: [] as number[] };
  const patch = { run: [] as string[], block: [] as number[], cos: [] as number[], occ: [] as number[], rank: [] as number[], recon: [] as string[], grid: [] as string[], k: [] as number[] };
  const ckpt = { run: [] as string[], step: [] as number[] };
  for (const r of data.sweeps[0]!.runs) {
    const id = ids.runs.get(r.name)!;
    for (const [s, curve] of r.probe) curve.forEach((v, i) => { e.run.push(id); e.step.push(s); e.kind.push('LINEAR_PROBE'); e.metric.push('accuracy'); e.target.push('action'); e.depth.push(i + 1); e.value.push(v); e.k.push(r.blocks); });
    // The chance level the agent reports beside each probe accuracy (UCF101: 101 action classes).
    for (const [s, curve] of r.probe) curve.forEach((_, i) => { e.run.push(id); e.step.push(s); e.kind.push('LINEAR_PROBE'); e.metric.push('accuracy_chance'); e.target.push('action'); e.depth.push(i + 1); e.value.push(1 / ACTION_CLASSES); e.k.push(r.blocks); });
    for (const [s, curve] of r.map) curve.forEach((v, i) => { e.run.push(id); e.step.push(s); e.kind.push('KNN_RETRIEVAL'); e.metric.push('mAP'); e.target.push('action'); e.depth.push(i + 1); e.value.push(v); e.k.push(r.blocks); });
    if (r.cka) {
      sims.run.push(id);
      sims.k.push(r.blocks);
      sims.labels.push(JSON.stringify(Array.from({ length: r.blocks }, (_, i) => `B${i + 1}`)));
      sims.values.push(JSON.stringify(r.cka));
    }
    const lastEval = Math.max(0, ...[...r.probe.keys()]);
    for (const p of r.patch) {
      patch.run.push(id); patch.k.push(r.blocks); patch.block.push(p.block); patch.cos.push(p.tokenCosine); patch.occ.push(p.occDrop); patch.rank.push(p.effectiveRank);
      patch.recon.push(JSON.stringify(p.block === r.blocks && r.recon ? r.recon : []));
      patch.grid.push(JSON.stringify(p.block === r.blocks && r.recon ? [2, 8, 8] : []));
    }
    void lastEval;
  }
  for (const r of trainedRuns(data.sweeps[0]!.runs)) {
    for (const s of EVAL_STEPS) if (s <= r.lastStep) { ckpt.run.push(ids.runs.get(r.name)!); ckpt.step.push(s); }
  }
  await pool.query(
    `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, depth_unit, depth, value, partition)
     SELECT u.run, u.step, u.kind::"EvaluationKind", u.metric, u.target, 'ucf101', 'BLOCK', u.depth, u.value, u.k
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::float8[], $8::int[]) AS u(run, step, kind, metric, target, depth, value, k)`,
    [e.run, e.step, e.kind, e.metric, e.target, e.depth, e.value, e.k],
  );
  const finalStepOf = new Map(trainedRuns(data.sweeps[0]!.runs).map((r) => [ids.runs.get(r.name)!, Math.max(...[...r.probe.keys()], 0)]));
  await pool.query(
    `INSERT INTO similarity_matrices (run_id, kind, step, dataset, partition, row_labels, col_labels, values)
     SELECT u.run, 'LINEAR_CKA', u.step, 'ucf101', u.k,
            ARRAY(SELECT jsonb_array_elements_text(u.labels::jsonb)), ARRAY(SELECT jsonb_array_elements_text(u.labels::jsonb)),
            ARRAY(SELECT (jsonb_array_elements_text(u.vals::jsonb))::float8)
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::int[]) AS u(run, step, labels, vals, k)`,
    [sims.run, sims.run.map((id) => finalStepOf.get(id)!), sims.labels, sims.values, sims.k],
  );
  await pool.query(
    `INSERT INTO patch_diagnostics (run_id, step, dataset, block, partition, token_cosine, occ_drop, effective_rank, reconstruction_error, reconstruction_grid)
     SELECT u.run, u.step, 'ucf101', u.block, u.k, u.cos, u.occ, u.rank,
            ARRAY(SELECT (jsonb_array_elements_text(u.recon::jsonb))::float8), ARRAY(SELECT (jsonb_array_elements_text(u.grid::jsonb))::int)
     FROM unnest($1::uuid[], $2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::int[]) AS u(run, step, block, cos, occ, rank, recon, grid, k)`,
    [patch.run, patch.run.map((id) => finalStepOf.get(id)!), patch.block, patch.cos, patch.occ, patch.rank, patch.recon, patch.grid, patch.k],
  );
  await pool.query(
    `INSERT INTO checkpoints (run_id, step, uri, sha256, bytes)
     SELECT u.run, u.step, 'file://ckpt/' || u.run || '/' || u.step, md5(u.run::text || u.step) || md5(u.step || u.run::text), 48000000
     FROM unnest($1::uuid[], $2::int[]) AS u(run, step)`,
    [ckpt.run, ckpt.step],
  );
}
