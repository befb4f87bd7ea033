// Fault tests of the agent daemon against a real API and PostgreSQL: real agent processes
// (node apps/agent/dist/cli.js) training tiny real runs on wasm, killed, cut off, cancelled,
// drained and doubled up. Each test starts its own API (its own database) with the lease it needs.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpoints, jobRow, killAgents, pidAlive, points, seedRun, seedSweep, spawnAgent, startFaultApi, tinyConfig, waitFor,
  type FaultApi, type PointRow,
} from './harness.js';

let api: FaultApi | null = null;

afterEach(async () => {
  await killAgents();
  await api?.close();
  api = null;
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const keyOf = (p: PointRow) => `${p.key}|${p.block}|${p.step}`;
const TRAINING_KEYS = ['grad_norm', 'loss', 'lr'];

/** Every training series (key, block) holds each step 1..total exactly once. */
async function expectCompleteSeries(a: FaultApi, runId: string, total: number): Promise<PointRow[]> {
  const all = await points(a, runId);
  const series = new Map<string, number[]>();
  for (const p of all.filter((q) => TRAINING_KEYS.includes(q.key))) series.set(`${p.key}|${p.block}`, [...(series.get(`${p.key}|${p.block}`) ?? []), p.step]);
  expect(new Set([...series.keys()].map((k) => k.split('|')[0]))).toEqual(new Set(TRAINING_KEYS));
  for (const [name, steps] of series) expect(steps, `series ${name}`).toEqual(range(1, total));
  return all;
}

async function waitForStatus(a: FaultApi, jobId: string, statuses: string[], timeoutMs: number) {
  return waitFor(`job status ${statuses.join('|')}`, async () => {
    const row = await jobRow(a, jobId);
    return statuses.includes(row.status) ? row : undefined;
  }, timeoutMs, 150);
}

function workerPid(line: Record<string, unknown>): number {
  expect(typeof line.pid).toBe('number');
  return line.pid as number;
}

describe('agent faults', () => {
  it('kill -9 mid-training: after the lease expires another agent resumes from the checkpoint; no point lost or duplicated', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '3' });
    const total = 300;
    const run = await seedRun(api, tinyConfig({ steps: total, checkpointEvery: 30 }));
    const env = { STRATUM_SYSTEM_METRICS_MS: '0' };
    const first = spawnAgent(api, { token: await api.agentToken('first'), env });
    const pid = workerPid(await first.waitForLog((l) => l.msg === 'worker started'));
    await waitFor('two checkpoints', async () => (await checkpoints(api!, run.runId)).length >= 2, 120_000, 100);

    first.child.kill('SIGKILL');
    await first.exited;
    // The worker notices its daemon is gone and exits too.
    await waitFor('the orphaned worker to exit', () => !pidAlive(pid), 10_000);
    // A request the agent sent just before it died may still be committing: let it land.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stored = await points(api, run.runId);
    const resumeStep = (await checkpoints(api, run.runId)).at(-1)!.step;
    const lastStored = Math.max(...stored.filter((p) => p.key === 'loss').map((p) => p.step));
    expect(lastStored).toBeLessThan(total); // killed mid-training
    expect(lastStored).toBeGreaterThanOrEqual(resumeStep); // checkpoints are registered after their points
    // Nobody told the server: the job is still leased, or already requeued by the lease reaper.
    const orphaned = await jobRow(api, run.jobId);
    expect(['RUNNING', 'QUEUED']).toContain(orphaned.status);
    expect(orphaned.attempts).toBe(1);

    const second = spawnAgent(api, { token: await api.agentToken('second'), env });
    const resumed = await second.waitForLog((l) => l.msg === 'resuming from checkpoint', 60_000);
    expect(resumed.step).toBe(resumeStep);
    const done = await waitForStatus(api, run.jobId, ['SUCCEEDED', 'FAILED'], 120_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 2, run_status: 'SUCCEEDED' });

    const all = await expectCompleteSeries(api, run.runId, total);
    const now = new Map(all.map((p) => [keyOf(p), p.value]));
    for (const p of stored) expect(now.get(keyOf(p)), keyOf(p)).toBe(p.value); // what the first agent reported is untouched
    // The second agent re-sent exactly the points the first had stored after the checkpoint; the
    // server counted them as duplicates rather than storing them twice.
    const progress = (await api.pool().query<{ progress: { metrics: { duplicates: number; accepted: number } } }>('SELECT progress FROM jobs WHERE id = $1', [run.jobId])).rows[0]!.progress;
    expect(progress.metrics.duplicates).toBe(stored.filter((p) => p.step > resumeStep).length);
    expect(progress.metrics.accepted + progress.metrics.duplicates).toBe(all.filter((p) => p.step > resumeStep).length);
  });

  it('the API stops for 20 s mid-run and comes back: the run completes with every point stored', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '60' });
    const total = 200;
    const run = await seedRun(api, tinyConfig({ steps: total, checkpointEvery: 50 }));
    const agent = spawnAgent(api, { token: await api.agentToken('outage') });
    await waitFor('training under way', async () => (await points(api!, run.runId, 'loss')).length >= 20, 120_000, 50);
    const beforeOutage = Math.max(...(await points(api, run.runId, 'loss')).map((p) => p.step));
    expect(beforeOutage).toBeLessThan(total);

    const spool = path.join(agent.workDir, 'jobs', run.jobId, 'spool.jsonl');
    const down = Date.now();
    await api.stop();
    // Metrics keep coming and wait on disk.
    await waitFor('batches spooled while the API is down', () => fs.existsSync(spool) && fs.statSync(spool).size > 0, 15_000, 100);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - down))));
    await api.start();

    const done = await waitForStatus(api, run.jobId, ['SUCCEEDED', 'FAILED'], 120_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    await expectCompleteSeries(api, run.runId, total);
    expect(agent.logs.some((l) => typeof l.error === 'string' && /cannot reach the Stratum API/.test(l.error as string))).toBe(true);
    // The spool is deleted once acknowledged; the agent does so just after it reports the outcome.
    await waitFor('job directory removed', () => !fs.existsSync(path.join(agent.workDir, 'jobs', run.jobId)), 10_000, 50);
  });

  it('a restarted daemon replays its unsent spool under the old lease, hands the job back, and the run completes', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '60' });
    const total = 200;
    const run = await seedRun(api, tinyConfig({ steps: total, checkpointEvery: 50 }));
    const token = await api.agentToken('restart');
    const env = { STRATUM_SYSTEM_METRICS_MS: '0' };
    const first = spawnAgent(api, { token, env });
    await waitFor('training under way', async () => (await points(api!, run.runId, 'loss')).length >= 20, 120_000, 50);
    const spool = path.join(first.workDir, 'jobs', run.jobId, 'spool.jsonl');
    await api.stop();
    await waitFor('batches spooled', () => fs.existsSync(spool) && fs.readFileSync(spool, 'utf8').split('\n').filter(Boolean).length >= 2, 15_000, 100);
    first.child.kill('SIGKILL'); // dies with batches the server never saw
    await first.exited;
    const spooled = fs.readFileSync(spool, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string; id: string; p?: Array<[string, number | null, number, number, number]> });
    const acked = new Set(spooled.filter((l) => l.t === 'a').map((l) => l.id));
    const unsent = spooled.filter((l) => l.t === 'b' && !acked.has(l.id)).flatMap((l) => l.p ?? []);
    expect(unsent.length).toBeGreaterThan(0);
    await api.start();

    const second = spawnAgent(api, { token, workDir: first.workDir, env });
    const recovered = await second.waitForLog((l) => l.msg === 'job from a previous agent process recovered', 60_000);
    expect(recovered).toMatchObject({ jobId: run.jobId, outcome: 'failed' });
    expect(recovered.replayedBatches).toBeGreaterThan(0);
    const afterReplay = new Map((await points(api, run.runId)).map((p) => [keyOf(p), p.value]));
    for (const [key, block, step, value] of unsent) expect(afterReplay.get(`${key}|${block ?? 0}|${step}`)).toBe(value);

    const done = await waitForStatus(api, run.jobId, ['SUCCEEDED', 'FAILED'], 120_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    await expectCompleteSeries(api, run.runId, total);
  });

  it('cancel from the API mid-run: the worker is gone within 5 s, the run is CANCELLED and nothing more is written', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '3' });
    const run = await seedRun(api, tinyConfig({ steps: 20_000, checkpointEvery: 1_000 }));
    const agent = spawnAgent(api, { token: await api.agentToken('cancel') });
    const pid = workerPid(await agent.waitForLog((l) => l.msg === 'worker started'));
    await waitFor('training under way', async () => (await points(api!, run.runId, 'loss')).length >= 10, 120_000, 50);

    const writer = await api.writerToken();
    const requested = Date.now();
    const cancelled = await api.graphql<{ cancelRun: { status: string } }>(writer, 'mutation($id: ID!) { cancelRun(id: $id) { status } }', { id: run.runId });
    expect(cancelled.cancelRun.status).toBe('CANCELLED');
    await waitFor('the worker to exit', () => !pidAlive(pid), 5_000, 50);
    expect(Date.now() - requested).toBeLessThan(5_000);
    const done = await waitForStatus(api, run.jobId, ['CANCELLED'], 10_000);
    expect(done.run_status).toBe('CANCELLED');
    const count = (await points(api, run.runId)).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await points(api, run.runId)).length).toBe(count);
    expect(agent.child.exitCode).toBeNull(); // only the job stopped, not the daemon
  });

  it('a job with an invalid config fails once with a clear error and is not retried', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '3' });
    const badModel = await seedRun(api, tinyConfig({ model: { depth: 2, embedDim: 32, heads: 3, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 } }), { maxAttempts: 3 });
    const badDataset = await seedRun(api, tinyConfig({ dataset: { name: 'moving-mnist', count: 64, frames: 16, size: 32, colour: 'red' } }), { maxAttempts: 3 });
    const agent = spawnAgent(api, { token: await api.agentToken('invalid') });
    const model = await waitForStatus(api, badModel.jobId, ['FAILED', 'SUCCEEDED'], 60_000);
    const dataset = await waitForStatus(api, badDataset.jobId, ['FAILED', 'SUCCEEDED'], 60_000);
    expect(model).toMatchObject({ status: 'FAILED', attempts: 1, run_status: 'FAILED' });
    expect(model.last_error).toMatch(/model\.heads/);
    expect(model.run_error).toBe(model.last_error);
    expect(dataset).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(dataset.last_error).toMatch(/dataset "moving-mnist": field "colour"/);
    // Still not retried a while later: the agent keeps polling an empty queue.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await jobRow(api, badModel.jobId)).attempts).toBe(1);
    expect((await jobRow(api, badDataset.jobId)).attempts).toBe(1);
    expect(agent.logs.filter((l) => l.msg === 'job claimed')).toHaveLength(2);
  });

  it('an evaluation report the API refuses fails the job once with the refusal: the run does not succeed without its evaluations', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '3' });
    const run = await seedRun(api, tinyConfig({ steps: 20, checkpointEvery: 0, evaluation: { clips: 32 } }), { maxAttempts: 3 });
    // The run no longer lists the K the agent evaluates at (K=1), so the API refuses its report.
    await api.pool().query(`UPDATE runs SET partitions = '{7}' WHERE id = $1`, [run.runId]);
    const agent = spawnAgent(api, { token: await api.agentToken('refused') });
    const job = await waitForStatus(api, run.jobId, ['FAILED', 'SUCCEEDED'], 90_000);
    expect(job).toMatchObject({ status: 'FAILED', attempts: 1, run_status: 'FAILED' });
    expect(job.last_error).toMatch(/partition: K=1 is not one of this run's partitions \(7\)/);
    expect(job.run_error).toBe(job.last_error);
    // Not retried: the same report would be refused again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await jobRow(api, run.jobId)).attempts).toBe(1);
    expect(agent.logs.filter((l) => l.msg === 'job claimed')).toHaveLength(1);
  });

  it('a run whose loss becomes non-finite fails once as diverged, with the step and the block, and is not retried', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '3' });
    // A learning rate of 1e38 overflows float32 weights within a few steps.
    const run = await seedRun(api, tinyConfig({ regime: 'simultaneous', blocks: 2, steps: 40, checkpointEvery: 0, optimizer: { lr: 1e38, warmupSteps: 0 } }), { maxAttempts: 3 });
    spawnAgent(api, { token: await api.agentToken('diverge') });
    const job = await waitForStatus(api, run.jobId, ['FAILED', 'SUCCEEDED'], 60_000);
    expect(job).toMatchObject({ status: 'FAILED', attempts: 1, run_status: 'FAILED' });
    const { rows } = await api.pool().query<{ divergence: { step: number; block: number | null; quantity: string; value: string } }>(
      'SELECT divergence FROM runs WHERE id = $1', [run.runId]);
    const divergence = rows[0]!.divergence;
    expect(divergence).toMatchObject({ quantity: expect.stringMatching(/^(loss|gradient norm)$/), value: expect.stringMatching(/^(NaN|-?Infinity)$/) });
    expect([1, 2]).toContain(divergence.block);
    expect(job.last_error).toContain(`at step ${divergence.step} (block ${divergence.block})`);
    // Every stored training point is from before the diverged step.
    const stored = (await points(api, run.runId)).filter((p) => TRAINING_KEYS.includes(p.key));
    expect(Math.max(...stored.map((p) => p.step))).toBeLessThan(divergence.step);
  });

  it('SIGTERM drains: the job returns to QUEUED with its checkpoint and attempts unchanged, and resumes there', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '30' });
    const total = 300;
    const run = await seedRun(api, tinyConfig({ steps: total, checkpointEvery: 25 }));
    const token = await api.agentToken('drain');
    const first = spawnAgent(api, { token, env: { STRATUM_SYSTEM_METRICS_MS: '0' } });
    const pid = workerPid(await first.waitForLog((l) => l.msg === 'worker started'));
    await waitFor('a checkpoint', async () => (await checkpoints(api!, run.runId)).length >= 1, 120_000, 50);
    expect((await jobRow(api, run.jobId)).attempts).toBe(1);

    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(pidAlive(pid)).toBe(false);
    const row = await jobRow(api, run.jobId);
    expect(row).toMatchObject({ status: 'QUEUED', attempts: 0, run_status: 'QUEUED' });
    // The worker checkpointed where it stopped, after every point up to there was stored.
    const drainedAt = (await checkpoints(api, run.runId)).at(-1)!.step;
    const released = first.logs.find((l) => l.msg === 'job released to the queue')!;
    expect(released.checkpointStep).toBe(drainedAt);
    expect((await points(api, run.runId, 'loss')).map((p) => p.step).slice(0, drainedAt)).toEqual(range(1, drainedAt));
    expect(fs.existsSync(path.join(first.workDir, 'agent.alive'))).toBe(false);
    expect(fs.readdirSync(path.join(first.workDir, 'jobs'))).toEqual([]);
    const agentRow = await api.pool().query<{ status: string }>('SELECT status::text FROM agents');
    expect(agentRow.rows.map((r) => r.status)).toEqual(['OFFLINE']);

    const second = spawnAgent(api, { token, workDir: first.workDir });
    const resumed = await second.waitForLog((l) => l.msg === 'resuming from checkpoint', 60_000);
    expect(resumed.step).toBe(drainedAt);
    const done = await waitForStatus(api, run.jobId, ['SUCCEEDED', 'FAILED'], 120_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    await expectCompleteSeries(api, run.runId, total);
  });

  it('two agents on one host with different work dirs do not interfere; a third on a used work dir is refused', async () => {
    api = await startFaultApi({ LEASE_SECONDS: '5' });
    const a = spawnAgent(api, { token: await api.agentToken('a') });
    const b = spawnAgent(api, { token: await api.agentToken('b') });
    const [ra, rb] = await Promise.all([a.waitForLog((l) => l.msg === 'agent registered'), b.waitForLog((l) => l.msg === 'agent registered')]);
    expect(ra.name).not.toBe(rb.name);

    const third = spawnAgent(api, { token: await api.agentToken('c'), workDir: a.workDir });
    expect((await third.exited).code).toBe(2);
    expect(third.stderr()).toMatch(/work dir .* is in use by another agent/);

    const total = 150;
    const runs = [
      // E2E reports its features at the same K=2 block boundaries as the blockwise run.
      await seedRun(api, tinyConfig({ steps: total, seed: 1, blocks: 2 }), { name: 'e2e' }),
      await seedRun(api, tinyConfig({ steps: total, seed: 2, regime: 'simultaneous', blocks: 2 }), { name: 'blockwise' }),
    ];
    const rows = await Promise.all(runs.map((r) => waitForStatus(api!, r.jobId, ['SUCCEEDED', 'FAILED'], 120_000)));
    for (const row of rows) expect(row).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(new Set(rows.map((r) => r.agent_id)).size).toBe(2); // one run each, concurrently
    for (const r of runs) await expectCompleteSeries(api, r.runId, total);
    // E2E: one loss (block 0 = whole model); blockwise: one per block. Both evaluated at their last
    // step at each block boundary.
    expect(new Set((await points(api, runs[0]!.runId, 'loss')).map((p) => p.block))).toEqual(new Set([0]));
    expect(new Set((await points(api, runs[1]!.runId, 'loss')).map((p) => p.block))).toEqual(new Set([1, 2]));
    for (const r of runs) {
      const blocks = [1, 2];
      const evaluations = await api.pool().query<{ kind: string; depth: number; step: number }>("SELECT kind::text, depth, step FROM evaluations WHERE run_id = $1 AND depth_unit = 'BLOCK'", [r.runId]);
      expect(new Set(evaluations.rows.map((e) => e.step))).toEqual(new Set([total]));
      expect(new Set(evaluations.rows.map((e) => e.depth))).toEqual(new Set(blocks));
      expect(new Set(evaluations.rows.map((e) => e.kind))).toEqual(new Set(['LINEAR_PROBE', 'KNN_RETRIEVAL', 'KNN_ACCURACY', 'GEOMETRY', 'RECONSTRUCTION']));
      const matrices = await api.pool().query<{ kind: string; row_labels: string[] }>('SELECT kind::text, row_labels FROM similarity_matrices WHERE run_id = $1', [r.runId]);
      expect(matrices.rows.map((m) => m.kind).sort()).toEqual(['DEBIASED_CKA', 'LINEAR_CKA', 'RBF_CKA']);
      for (const m of matrices.rows) expect(m.row_labels).toEqual(blocks.map((k) => `B${k}`));
      const patches = await api.pool().query<{ block: number; token_cosine: number | null }>('SELECT block, token_cosine FROM patch_diagnostics WHERE run_id = $1 ORDER BY block', [r.runId]);
      expect(patches.rows.map((p) => p.block)).toEqual([...blocks]);
      for (const p of patches.rows) expect(Number.isFinite(p.token_cosine)).toBe(true);
    }
    for (const r of runs) {
      // System metrics ride along as series of the run.
      const keys = new Set((await points(api, r.runId)).map((p) => p.key));
      for (const key of ['sys/cpu_percent', 'sys/memory_percent', 'sys/worker_rss_mb']) expect(keys.has(key), key).toBe(true);
    }
    for (const agent of [a, b]) {
      // The agent removes a job's directory just after completeJob is acknowledged: wait for it.
      const jobsDir = path.join(agent.workDir, 'jobs');
      for (const deadline = Date.now() + 20_000; fs.readdirSync(jobsDir).length > 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
      expect(fs.readdirSync(jobsDir)).toEqual([]);
      expect(fs.existsSync(path.join(agent.workDir, 'agent.alive'))).toBe(true);
    }
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });

  it('never falls back from an explicitly requested backend; auto says what it chose and why not the others', async () => {
    api = await startFaultApi();
    const gpu = spawnAgent(api, { token: await api.agentToken('gpu'), env: { STRATUM_BACKEND: 'tensorflow-gpu' } });
    const exit = await gpu.exited;
    expect(exit.code).toBe(2);
    expect(gpu.stderr()).toMatch(/backend "tensorflow-gpu" was requested but cannot be loaded: cannot load @tensorflow\/tfjs-node-gpu/);
    expect(gpu.stderr()).toMatch(/Not falling back/);
    expect(gpu.logs.some((l) => l.msg === 'agent registered')).toBe(false);

    const auto = spawnAgent(api, { token: await api.agentToken('auto'), env: { STRATUM_BACKEND: 'auto' } });
    const chosen = await auto.waitForLog((l) => typeof l.msg === 'string' && (l.msg as string).startsWith('backend auto-selected'));
    expect(chosen.backend).toBe('wasm');
    expect(chosen.notAvailable).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    for (const backend of ['tensorflow-gpu', 'tensorflow']) {
      const why = auto.logs.find((l) => l.backend === backend && typeof l.reason === 'string');
      expect(why?.reason, backend).toMatch(/cannot load @tensorflow\/tfjs-node/);
    }
    // no GPU here: at most lavapipe (setup:webgpu), which auto passes over as slower than wasm
    const webgpu = auto.logs.find((l) => l.backend === 'webgpu' && typeof l.reason === 'string');
    expect(webgpu?.reason).toMatch(/software driver|no WebGPU adapter|cannot load Dawn/);
    const registered = await auto.waitForLog((l) => l.msg === 'agent registered');
    expect(registered.backends).toEqual(['wasm', 'cpu']);
  });

  it('--once runs one job and exits with its outcome', async () => {
    api = await startFaultApi();
    const run = await seedRun(api, tinyConfig({ steps: 30, checkpointEvery: 10 }));
    const second = await seedRun(api, tinyConfig({ steps: 30 }));
    const agent = spawnAgent(api, { token: await api.agentToken('once'), args: ['--once'] });
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const rows = [await jobRow(api, run.jobId), await jobRow(api, second.jobId)];
    expect(rows.map((r) => r.status).sort()).toEqual(['QUEUED', 'SUCCEEDED']);
  });

  it('a blockwise run and its matched E2E run finished: the queued COMPARE job reports their block×block CKA', async () => {
    api = await startFaultApi();
    const sweep = await seedSweep(api);
    const cell = { sweep, blocks: 2, seed: 0 };
    const e2e = await seedRun(api, tinyConfig({ steps: 40, blocks: 2 }), { ...cell, name: 'e2e', mode: 'E2E' });
    const blockwise = await seedRun(api, tinyConfig({ steps: 40, blocks: 2, regime: 'simultaneous' }), { ...cell, name: 'sim', mode: 'BLOCKWISE_SIMULTANEOUS' });
    const agent = spawnAgent(api, { token: await api.agentToken('compare') });
    const compare = await waitFor('a COMPARE job to finish', async () => {
      const { rows } = await api!.pool().query<{ id: string; status: string; run_id: string; other_run_id: string; last_error: string | null }>(
        "SELECT id, status::text, run_id, other_run_id, last_error FROM jobs WHERE kind = 'COMPARE'");
      return rows[0] && ['SUCCEEDED', 'FAILED'].includes(rows[0].status) ? rows[0] : undefined;
    }, 120_000, 200);
    expect(compare).toMatchObject({ status: 'SUCCEEDED', run_id: blockwise.runId, other_run_id: e2e.runId, last_error: null });
    const finals = await Promise.all([blockwise, e2e].map(async (r) => (await checkpoints(api!, r.runId)).at(-1)!.step));
    expect(finals).toEqual([40, 40]);
    const { rows } = await api.pool().query<{ kind: string; step: number; row_labels: string[]; col_labels: string[]; values: number[]; other_run_id: string }>(
      'SELECT kind::text, step, row_labels, col_labels, values, other_run_id FROM similarity_matrices WHERE run_id = $1 AND other_run_id IS NOT NULL ORDER BY kind', [blockwise.runId]);
    expect(rows.map((r) => r.kind)).toEqual(['DEBIASED_CKA', 'LINEAR_CKA', 'RBF_CKA']);
    for (const m of rows) {
      expect(m).toMatchObject({ step: 40, other_run_id: e2e.runId, row_labels: ['B1', 'B2'], col_labels: ['B1', 'B2'] });
      expect(m.values).toHaveLength(4);
      for (const v of m.values) expect(Number.isFinite(v)).toBe(true);
    }
    for (const v of rows.find((r) => r.kind === 'LINEAR_CKA')!.values) expect(v).toBeGreaterThanOrEqual(0);
    // A COMPARE job measures finished runs and leaves them as they were.
    for (const r of [blockwise, e2e]) expect((await jobRow(api, r.jobId)).run_status).toBe('SUCCEEDED');
    expect(agent.logs.some((l) => l.msg === 'cross-run similarity computed')).toBe(true);
  });
});
