// createSweep / cancelSweep / sweeps: expansion with the trainer's resolved config, idempotency,
// conflicts, every bad-input class, atomicity, cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, resolveRunConfig } from '@stratum/run-config';
import { startTestApi, type TestApi } from './harness.js';
import { CREATE_SWEEP, errorCode, errorField } from './research-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

interface SweepRun { id: string; name: string; mode: string; modelSize: string; blocks: number; partitions: number[]; seed: number; dataset: string; config: Record<string, unknown>; status: string; jobs: Array<{ id: string; status: string; priority: number; maxAttempts: number; requirements: unknown }> }
interface SweepPayload { createSweep: { created: boolean; sweep: { id: string; name: string; specHash: string; spec: Record<string, unknown>; factors: { modelSizes: string[]; blocks: number[]; modes: string[]; seeds: number[] }; project: { name: string }; statusCounts: Record<string, number>; runs: SweepRun[] } } }

const base = {
  project: 'sweeps-test',
  name: 'grid-a',
  factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [1, 0] },
  dataset: { name: 'moving-mnist', count: 64 },
  steps: 20,
  evaluation: { clips: 32 },
  overrides: { batchSize: 4, optimizer: { lr: 0.002 } },
  requirements: { backends: ['cpu', 'wasm'] },
  priority: 5,
  maxAttempts: 2,
};

async function counts(): Promise<{ projects: number; sweeps: number; runs: number; jobs: number }> {
  const { rows } = await t.api.services.pool.query<{ projects: number; sweeps: number; runs: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM projects) AS projects, (SELECT count(*)::int FROM sweeps) AS sweeps,
            (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM jobs) AS jobs`);
  return rows[0]!;
}

describe('createSweep', () => {
  let first: SweepPayload['createSweep'];

  it('expands the factors into one run and one queued TRAIN job per cell (E2E once per size and seed), with the trainer’s resolved config', async () => {
    first = (await t.ok<SweepPayload>(CREATE_SWEEP, { input: base }, 'writer')).createSweep;
    expect(first.created).toBe(true);
    const { sweep } = first;
    expect(sweep.project.name).toBe('sweeps-test');
    expect(sweep.factors).toEqual({ modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1] });
    // 1 size × 2 seeds × (1 E2E + 2 K × 2 blockwise modes): E2E does not depend on K.
    expect(sweep.runs).toHaveLength(1 * 2 * (1 + 2 * 2));
    expect(sweep.statusCounts).toEqual({ total: 10, queued: 10, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    const regimes: Record<string, string> = { E2E: 'e2e', BLOCKWISE_SIMULTANEOUS: 'simultaneous', BLOCKWISE_SEQUENTIAL: 'sequential' };
    const seen = new Set<string>();
    for (const run of sweep.runs) {
      seen.add(`${run.partitions.join(',')}/${run.mode}/${run.seed}`);
      expect(run.status).toBe('QUEUED');
      expect(run.modelSize).toBe('nano');
      expect(run.dataset).toBe('moving-mnist');
      // The stored config is exactly what the trainer resolves for this cell, plus the evaluation settings.
      const expected = resolveRunConfig({ preset: 'nano', regime: regimes[run.mode], blocks: run.blocks, seed: run.seed, dataset: base.dataset, steps: 20, batchSize: 4, optimizer: { lr: 0.002 } });
      const evaluation = run.mode === 'E2E' ? { clips: 32, partitions: [2, 3] } : { clips: 32 };
      expect(run.config).toEqual({ ...JSON.parse(JSON.stringify(expected)), evaluation });
      expect(run.partitions).toEqual(run.mode === 'E2E' ? [2, 3] : [run.blocks]);
      expect(run.config.regime).toBe(regimes[run.mode]);
      expect(run.jobs).toHaveLength(1);
      expect(run.jobs[0]).toMatchObject({ status: 'QUEUED', priority: 5, maxAttempts: 2, requirements: { backends: ['cpu', 'wasm'] } });
    }
    expect(seen.size).toBe(10);
    // One E2E run per seed, built with the smallest K and evaluated at the boundaries of every K.
    const e2e = sweep.runs.filter((r) => r.mode === 'E2E');
    expect(e2e.map((r) => [r.name, r.blocks, r.partitions])).toEqual([['grid-a/nano-e2e-s0', 2, [2, 3]], ['grid-a/nano-e2e-s1', 2, [2, 3]]]);
    expect(e2e[0]!.config.blocks).toBe(2);
    expect(sweep.runs.find((r) => r.mode === 'BLOCKWISE_SEQUENTIAL' && r.blocks === 3 && r.seed === 0)!.name).toBe('grid-a/nano-k3-seq-s0');
  });

  it('is idempotent: the same spec (factor order aside) returns the same sweep and queues nothing', async () => {
    const before = await counts();
    const again = (await t.ok<SweepPayload>(CREATE_SWEEP, { input: { ...base, factors: { ...base.factors, seeds: [0, 1], blocks: [3, 2] } } }, 'writer')).createSweep;
    expect(again.created).toBe(false);
    expect(again.sweep.id).toBe(first.sweep.id);
    expect(again.sweep.specHash).toBe(first.sweep.specHash);
    expect(await counts()).toEqual(before);
  });

  it('refuses a different spec under an existing name with CONFLICT naming what differs', async () => {
    const before = await counts();
    const response = await t.gql(CREATE_SWEEP, { input: { ...base, steps: 30, factors: { ...base.factors, seeds: [0, 1, 2] } } }, 'writer');
    expect(errorCode(response)).toBe('CONFLICT');
    expect(response.errors?.[0]?.message).toMatch(/differs in: factors\.seeds, steps/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['K that does not divide the depth', { factors: { ...base.factors, blocks: [4] } }, 'factors.blocks', /K=4 must divide the encoder depth 6/],
    ['an unknown model size', { factors: { ...base.factors, modelSizes: ['huge'] } }, 'factors.modelSizes', /unknown model size "huge"/],
    ['a repeated seed', { factors: { ...base.factors, seeds: [1, 1] } }, 'factors.seeds', /repeats 1/],
    ['an empty factor list', { factors: { ...base.factors, modes: [] } }, 'factors', /modes/],
    // 126 seeds × (1 E2E + 4 K × 2 blockwise modes)
    ['more than 1000 cells', { factors: { ...base.factors, blocks: [1, 2, 3, 6], seeds: Array.from({ length: 126 }, (_, i) => i) } }, 'factors', /expands to 1134 runs; the limit is 1000/],
    ['an override of a factor', { overrides: { blocks: 2 } }, 'overrides.blocks', /set by the sweep; use factors\.blocks/],
    ['an unknown override key', { overrides: { learningRate: 1 } }, 'overrides.learningRate', /unknown key/],
    ['an inconsistent model override', { overrides: { model: { heads: 5 } } }, 'overrides.model.heads', /must divide embedDim=64/],
    ['a dataset that is not a spec', { dataset: 'mnist' }, 'dataset', /JSON object with a "name"/],
    ['unknown requirements', { requirements: { gpus: 2 } }, 'requirements.gpus', /unknown key/],
    ['a bad name', { name: 'no spaces allowed' }, 'name', /names are/],
    ['zero steps', { steps: 0 }, 'steps', /steps/],
  ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_label, change, field, message) => {
    const before = await counts();
    const response = await t.gql(CREATE_SWEEP, { input: { ...base, name: 'bad-one', ...change } }, 'writer');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(errorField(response)).toContain(field);
    expect(response.errors?.[0]?.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('normalises E2E with K > 1 and checks K against each preset’s depth', async () => {
    const depth = PRESETS.tiny().depth;
    expect(depth % 4).toBe(0);
    const response = await t.ok<SweepPayload>(CREATE_SWEEP, {
      input: { project: 'sweeps-test', name: 'paper-shape', factors: { modelSizes: ['tiny', 'small'], blocks: [4, 6], modes: ['E2E'], seeds: [0] }, dataset: { name: 'gratings' }, steps: 10 },
    }, 'writer');
    const runs = response.createSweep.sweep.runs;
    // The paper's E2E baseline: trained once per size, evaluated at the boundaries of K=4 and K=6.
    expect(runs.map((r) => `${r.modelSize}/${r.blocks}/${r.partitions.join(',')}`)).toEqual(['tiny/4/4,6', 'small/4/4,6']);
    for (const run of runs) expect(run.config).toMatchObject({ regime: 'e2e', blocks: run.blocks, preset: run.modelSize, evaluation: { partitions: [4, 6] } });
    // Every K is checked against the depth, for E2E too.
    const bad = await t.gql(CREATE_SWEEP, { input: { project: 'sweeps-test', name: 'paper-bad', factors: { modelSizes: ['tiny'], blocks: [4, 5], modes: ['E2E'], seeds: [0] }, steps: 10 } }, 'writer');
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/K=5 must divide the encoder depth 12/);
  });

  it('writes nothing when the transaction fails half-way', async () => {
    // Fault injection: a trigger that refuses the job rows of this sweep's priority.
    await t.api.services.pool.query(`CREATE FUNCTION refuse_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.priority = 777 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await t.api.services.pool.query('CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_jobs()');
    try {
      const before = await counts();
      const response = await t.gql(CREATE_SWEEP, { input: { ...base, project: 'never-created', name: 'half', priority: 777 } }, 'writer');
      expect(errorCode(response)).toBe('INTERNAL_SERVER_ERROR');
      expect(response.errors?.[0]?.message).not.toMatch(/injected|jobs|INSERT/);
      expect(await counts()).toEqual(before);
    } finally {
      await t.api.services.pool.query('DROP TRIGGER refuse_jobs ON jobs; DROP FUNCTION refuse_jobs()');
    }
  });

  it('is safe under concurrent identical declarations: one sweep, one set of runs', async () => {
    const input = { ...base, name: 'raced' };
    const results = await Promise.all([1, 2, 3].map(() => t.ok<SweepPayload>(CREATE_SWEEP, { input }, 'writer')));
    expect(results.filter((r) => r.createSweep.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.createSweep.sweep.id)).size).toBe(1);
    const { rows } = await t.api.services.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM runs WHERE sweep_id = $1', [results[0]!.createSweep.sweep.id]);
    expect(rows[0]!.n).toBe(10);
  });
});

describe('sweeps and cancelSweep', () => {
  it('lists sweeps of a project and finds one by id', async () => {
    const data = await t.ok<{ sweeps: Array<{ name: string }>; project: { sweeps: Array<{ name: string }>; runCount: number } }>(
      `{ sweeps(project: "sweeps-test") { name } project(name: "sweeps-test") { runCount sweeps { name } } }`, {}, 'reader');
    expect(data.sweeps.map((s) => s.name).sort()).toEqual(['grid-a', 'paper-shape', 'raced']);
    expect(data.project.sweeps.map((s) => s.name).sort()).toEqual(['grid-a', 'paper-shape', 'raced']);
    expect(data.project.runCount).toBe(10 + 2 + 10);
    // An explicit null filter is no filter (it used to match no project at all).
    const unfiltered = await t.ok<{ sweeps: Array<{ name: string }> }>('query($p: String) { sweeps(project: $p) { name } }', { p: null }, 'reader');
    expect(unfiltered.sweeps.map((s) => s.name)).toEqual(expect.arrayContaining(['grid-a', 'paper-shape', 'raced']));
    const missing = await t.gql('{ sweep(id: "00000000-0000-0000-0000-000000000000") { id } }', {}, 'reader');
    expect(missing.data).toEqual({ sweep: null });
    const malformed = await t.gql('{ sweep(id: "nope") { id } }', {}, 'reader');
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
  });

  it('finds a sweep by name (within a project, or the only one of that name) and runs by id prefix', async () => {
    const other = (await t.ok<SweepPayload>(CREATE_SWEEP, { input: { ...base, project: 'sweeps-other', name: 'grid-a' } }, 'writer')).createSweep.sweep;
    const byName = `query($id: ID, $name: String, $project: String) { sweep(id: $id, name: $name, project: $project) { id name project { name } } }`;
    const found = await t.ok<{ sweep: { id: string; project: { name: string } } }>(byName, { name: 'grid-a', project: 'sweeps-other' }, 'reader');
    expect(found.sweep).toMatchObject({ id: other.id, project: { name: 'sweeps-other' } });
    expect((await t.ok<{ sweep: { name: string } }>(byName, { name: 'paper-shape' }, 'reader')).sweep.name).toBe('paper-shape');
    expect((await t.ok<{ sweep: null }>(byName, { name: 'no-such-sweep' }, 'reader')).sweep).toBeNull();
    expect((await t.ok<{ sweep: null }>(byName, { name: 'grid-a', project: 'no-such-project' }, 'reader')).sweep).toBeNull();
    const ambiguous = await t.gql(byName, { name: 'grid-a' }, 'reader');
    expect(errorCode(ambiguous)).toBe('BAD_USER_INPUT');
    expect(ambiguous.errors?.[0]?.message).toMatch(/several projects have a sweep named "grid-a" \(sweeps-other, sweeps-test\); give project/);
    const both = await t.gql(byName, { id: other.id, name: 'grid-a' }, 'reader');
    expect(errorCode(both)).toBe('BAD_USER_INPUT');
    expect(both.errors?.[0]?.message).toMatch(/either id or name/);
    expect(errorCode(await t.gql('{ sweep { id } }', {}, 'reader'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(byName, { id: other.id, project: 'sweeps-other' }, 'reader'))).toBe('BAD_USER_INPUT');

    const runs = `query($p: String) { runs(filter: { idPrefix: $p }, first: 50) { totalCount nodes { id } } }`;
    const run = other.runs[0]!;
    const prefixed = await t.ok<{ runs: { totalCount: number; nodes: Array<{ id: string }> } }>(runs, { p: run.id.slice(0, 13).toUpperCase() }, 'reader');
    expect(prefixed.runs.nodes.map((r) => r.id)).toContain(run.id);
    expect(prefixed.runs.nodes.every((r) => r.id.startsWith(run.id.slice(0, 13)))).toBe(true);
    expect(errorCode(await t.gql(runs, { p: 'zz%' }, 'reader'))).toBe('BAD_USER_INPUT');
    const sweeps = `query($p: String) { sweeps(idPrefix: $p) { id } }`;
    expect((await t.ok<{ sweeps: Array<{ id: string }> }>(sweeps, { p: other.id.slice(0, 8) }, 'reader')).sweeps.map((x) => x.id)).toContain(other.id);
  });

  it('cancels queued runs and asks running jobs to stop, once', async () => {
    const sweepId = (await t.ok<SweepPayload>(CREATE_SWEEP, { input: { ...base, name: 'to-cancel' } }, 'writer')).createSweep.sweep.id;
    const pool = t.api.services.pool;
    // One job is running, one run already succeeded.
    const { rows: runs } = await pool.query<{ id: string }>('SELECT id FROM runs WHERE sweep_id = $1 ORDER BY name', [sweepId]);
    await pool.query(`UPDATE jobs SET status = 'RUNNING' WHERE run_id = $1`, [runs[0]!.id]);
    await pool.query(`UPDATE runs SET status = 'RUNNING' WHERE id = $1`, [runs[0]!.id]);
    await pool.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE run_id = $1`, [runs[1]!.id]);
    await pool.query(`UPDATE runs SET status = 'SUCCEEDED' WHERE id = $1`, [runs[1]!.id]);
    const cancel = `mutation($id: ID!) { cancelSweep(id: $id) { cancelledRuns cancelRequested sweep { statusCounts { total cancelled succeeded } } } }`;
    const result = await t.ok<{ cancelSweep: { cancelledRuns: number; cancelRequested: number; sweep: { statusCounts: Record<string, number> } } }>(cancel, { id: sweepId }, 'writer');
    expect(result.cancelSweep).toEqual({ cancelledRuns: 9, cancelRequested: 1, sweep: { statusCounts: { total: 10, cancelled: 9, succeeded: 1 } } });
    const { rows: jobs } = await pool.query<{ status: string; cancel_requested: boolean; run_id: string }>(
      'SELECT j.status::text, j.cancel_requested, j.run_id FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep_id = $1', [sweepId]);
    expect(jobs.find((j) => j.run_id === runs[0]!.id)).toMatchObject({ status: 'RUNNING', cancel_requested: true });
    expect(jobs.find((j) => j.run_id === runs[1]!.id)).toMatchObject({ status: 'SUCCEEDED', cancel_requested: false });
    expect(jobs.filter((j) => j.status === 'CANCELLED')).toHaveLength(8);
    const again = await t.ok<{ cancelSweep: { cancelledRuns: number } }>(cancel, { id: sweepId }, 'writer');
    expect(again.cancelSweep.cancelledRuns).toBe(0);
    expect(errorCode(await t.gql(cancel, { id: '00000000-0000-0000-0000-000000000000' }, 'writer'))).toBe('NOT_FOUND');
  });
});
