// claimJob: concurrency (no double claims), claim order, requirements, what a claim returns,
// and the run-side effects; releaseJob and cancellation as the agent sees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import {
  claim, COMPLETE, errorCode, FAIL, HEARTBEAT, jobRow, registerTestAgent, RELEASE, seedJobs, type Claimed, type TestAgent,
} from './agent-fixtures.js';
import { CREATE_SWEEP } from './research-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi(); });
afterAll(async () => { await t.close(); });

/** Makes every job seeded so far unclaimable, so each test sees only its own. */
async function clearQueue(): Promise<void> {
  await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
}

describe('claimJob under concurrency', () => {
  it('8 concurrent claimers over 200 jobs: every job claimed exactly once', async () => {
    await clearQueue();
    const jobs = await seedJobs(t, { count: 200 });
    const agents = await Promise.all(Array.from({ length: 8 }, () => registerTestAgent(t)));
    const claimedBy = await Promise.all(agents.map(async (agent) => {
      const mine: Claimed[] = [];
      for (let i = 0; i < 250; i++) { // bounded: 200 jobs in all
        const job = await claim(t, agent);
        if (!job) break;
        mine.push(job);
      }
      return mine;
    }));
    const all = claimedBy.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all.map((j) => j.jobId)).size).toBe(200);
    expect(new Set(all.map((j) => j.jobId))).toEqual(new Set(jobs.map((j) => j.jobId)));
    // More than one claimer got work (they really ran concurrently, not one after another).
    expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
    // The database agrees: each job leased once, to the agent that was told it won.
    const owner = new Map<string, string>();
    claimedBy.forEach((mine, i) => mine.forEach((j) => owner.set(j.jobId, agents[i]!.agentId)));
    const { rows } = await t.api.services.pool.query<{ id: string; status: string; attempts: number; fencing_token: string; lease_owner: string }>(
      'SELECT id, status::text, attempts, fencing_token::text, lease_owner FROM jobs WHERE id = ANY($1::uuid[])',
      [jobs.map((j) => j.jobId)],
    );
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'RUNNING', attempts: 1, fencing_token: '1', lease_owner: owner.get(row.id) });
    }
    expect(all.every((j) => j.attempt === 1 && j.fencingToken === '1')).toBe(true);
  });
});

describe('what claimJob takes and returns', () => {
  let agent: TestAgent;
  beforeAll(async () => { agent = await registerTestAgent(t, { backends: ['tensorflow', 'cpu'] }); });

  it('takes the highest priority first, then the oldest', async () => {
    await clearQueue();
    const low = await seedJobs(t, { count: 3, priority: 0, staggerSeconds: 10 });
    const high = await seedJobs(t, { count: 2, priority: 5, staggerSeconds: 10 });
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await claim(t, agent);
      if (!job) break;
      order.push(job.jobId);
    }
    expect(order).toEqual([...high, ...low].map((j) => j.jobId));
  });

  it("takes a sweep's runs in the order of its expansion (its jobs are queued together, with one created_at)", async () => {
    await clearQueue();
    const input = {
      project: 'claim-order', name: 'in-order', steps: 20, dataset: { name: 'moving-mnist', count: 64 },
      factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS'], seeds: [0, 1, 2] },
    };
    const { createSweep } = await t.ok<{ createSweep: { sweep: { id: string } } }>(CREATE_SWEEP, { input }, 'writer');
    const { rows } = await t.api.services.pool.query<{ expansion: Array<{ runId: string }> }>('SELECT expansion FROM sweeps WHERE id = $1', [createSweep.sweep.id]);
    const expansion = rows[0]!.expansion.map((cell) => cell.runId);
    expect(expansion).toHaveLength(9);
    const claimed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const job = await claim(t, agent);
      if (!job) break;
      claimed.push(job.runId);
    }
    expect(claimed).toEqual(expansion);
  });

  it('returns the resolved config, run name and attempt, and marks the run RUNNING on this agent', async () => {
    await clearQueue();
    const [job] = await seedJobs(t, { config: { steps: 321, lr: 0.001 } });
    const before = await jobRow(t, job!.jobId);
    expect(before.run_status).toBe('QUEUED');
    const claimed = (await claim(t, agent))!;
    expect(claimed).toMatchObject({ jobId: job!.jobId, runId: job!.runId, runName: 'run-0', kind: 'TRAIN', attempt: 1, maxAttempts: 3, latestCheckpoint: null, otherRunId: null });
    expect(claimed.config).toEqual({ seed: 0, steps: 321, lr: 0.001 });
    const row = await jobRow(t, job!.jobId);
    expect(row).toMatchObject({ status: 'RUNNING', run_status: 'RUNNING', run_agent: agent.agentId, run_backend: 'tensorflow', lease_owner: agent.agentId });
    expect(row.started_at).not.toBeNull();
    // The lease runs LEASE_SECONDS (60 by default) from the database's now.
    const leaseMs = new Date(claimed.leaseExpiresAt).getTime() - row.started_at!.getTime();
    expect(leaseMs).toBeGreaterThan(59_000);
    expect(leaseMs).toBeLessThan(61_000);
  });

  it('only hands out jobs whose requirements the offer meets, and records the backend the job accepts', async () => {
    await clearQueue();
    const [gpuJob] = await seedJobs(t, { requirements: { backends: ['tensorflow-gpu'], gpu: true } });
    const [labelled] = await seedJobs(t, { requirements: { labels: { zone: 'b', pool: 'big' } } });
    const [twoDevices] = await seedJobs(t, { requirements: { devices: 2, backends: ['cpu', 'wasm'] } });
    const cpuOffer = { backends: ['wasm', 'cpu'], devices: [{ id: 0 }], labels: { zone: 'a' }, gpu: false };
    expect(await claim(t, agent, cpuOffer)).toBeNull();
    // labels must include every required entry
    expect(await claim(t, agent, { ...cpuOffer, labels: { zone: 'b' } })).toBeNull();
    const gotLabelled = await claim(t, agent, { ...cpuOffer, labels: { zone: 'b', pool: 'big', extra: 1 } });
    expect(gotLabelled?.jobId).toBe(labelled!.jobId);
    const gotTwo = await claim(t, agent, { ...cpuOffer, devices: [{ id: 0 }, { id: 1 }] });
    expect(gotTwo?.jobId).toBe(twoDevices!.jobId);
    expect(gotTwo?.backend).toBe('wasm'); // the agent's first preference among those the job accepts
    // gpu: true needs both the flag and an accepted backend
    expect(await claim(t, agent, { ...cpuOffer, gpu: true })).toBeNull();
    const gotGpu = await claim(t, agent, { backends: ['cpu', 'tensorflow-gpu'], devices: [{ id: 0 }], gpu: true });
    expect(gotGpu?.jobId).toBe(gpuJob!.jobId);
    expect(gotGpu?.backend).toBe('tensorflow-gpu');
  });

  it('never hands out a job that is not yet due, whose run is cancelled, or that has a cancel request', async () => {
    await clearQueue();
    const [later, cancelledRun, cancelRequested] = await seedJobs(t, { count: 3 });
    const pool = t.api.services.pool;
    await pool.query(`UPDATE jobs SET not_before = now() + interval '1 hour' WHERE id = $1`, [later!.jobId]);
    await pool.query(`UPDATE runs SET status = 'CANCELLED' WHERE id = $1`, [cancelledRun!.runId]);
    await pool.query(`UPDATE jobs SET cancel_requested = true WHERE id = $1`, [cancelRequested!.jobId]);
    expect(await claim(t, agent)).toBeNull();
  });

  it('leaves the runs of COMPARE jobs alone and passes the other run', async () => {
    await clearQueue();
    const [a] = await seedJobs(t);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE id = $1`, [a!.jobId]);
    await t.api.services.pool.query(`UPDATE runs SET status = 'SUCCEEDED' WHERE id = $1`, [a!.runId]);
    const [b] = await seedJobs(t);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE id = $1`, [b!.jobId]);
    const [compare] = await seedJobs(t, { kind: 'COMPARE', otherRunId: b!.runId });
    await t.api.services.pool.query(`UPDATE runs SET status = 'SUCCEEDED' WHERE id = $1`, [compare!.runId]);
    const claimed = (await claim(t, agent))!;
    expect(claimed).toMatchObject({ jobId: compare!.jobId, kind: 'COMPARE', otherRunId: b!.runId });
    expect((await jobRow(t, compare!.jobId)).run_status).toBe('SUCCEEDED');
    const done = await t.ok<{ completeJob: { status: string; runStatus: string | null } }>(COMPLETE, { jobId: claimed.jobId, token: claimed.fencingToken }, { token: agent.token });
    expect(done.completeJob).toEqual({ ...done.completeJob, status: 'SUCCEEDED', runStatus: null });
    expect((await jobRow(t, compare!.jobId)).run_status).toBe('SUCCEEDED');
  });

  it('a DRAINING agent gets nothing new', async () => {
    await clearQueue();
    await seedJobs(t);
    const drainer = await registerTestAgent(t);
    await t.ok(`mutation($id: ID!) { setAgentStatus(agentId: $id, status: DRAINING) { status } }`, { id: drainer.agentId }, { token: drainer.token });
    expect(await claim(t, drainer)).toBeNull();
    expect(await claim(t, agent)).not.toBeNull();
  });
});

describe('releaseJob, completeJob and cancellation', () => {
  let agent: TestAgent;
  beforeAll(async () => { agent = await registerTestAgent(t); });

  it('releaseJob puts the job back without burning the attempt; the next claim gets a new token', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    const first = (await claim(t, agent))!;
    const released = await t.ok<{ releaseJob: { status: string; runStatus: string; attempts: number } }>(RELEASE, { jobId: job!.jobId, token: first.fencingToken }, { token: agent.token });
    expect(released.releaseJob).toMatchObject({ status: 'QUEUED', runStatus: 'QUEUED', attempts: 0 });
    const row = await jobRow(t, job!.jobId);
    expect(row).toMatchObject({ status: 'QUEUED', attempts: 0, lease_owner: null, lease_expires_at: null, run_status: 'QUEUED' });
    const second = (await claim(t, agent))!;
    expect(second.jobId).toBe(job!.jobId);
    expect(second.attempt).toBe(1);
    expect(BigInt(second.fencingToken)).toBe(BigInt(first.fencingToken) + 1n);
    // the old token is dead
    const stale = await t.gql(HEARTBEAT, { jobId: job!.jobId, token: first.fencingToken }, { token: agent.token });
    expect(errorCode(stale)).toBe('LEASE_LOST');
    expect(stale.errors?.[0]?.message).toMatch(/stale/);
  });

  it('completeJob finishes the run and keeps the summary', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    const claimed = (await claim(t, agent))!;
    const done = await t.ok<{ completeJob: { status: string; runStatus: string } }>(COMPLETE, { jobId: job!.jobId, token: claimed.fencingToken, summary: { finalLoss: 0.25 } }, { token: agent.token });
    expect(done.completeJob).toMatchObject({ status: 'SUCCEEDED', runStatus: 'SUCCEEDED' });
    const row = await jobRow(t, job!.jobId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', run_status: 'SUCCEEDED', lease_owner: null, progress: { finalLoss: 0.25 } });
    expect(row.finished_at).not.toBeNull();
    // finishing twice is refused: the lease ended with the job
    expect(errorCode(await t.gql(COMPLETE, { jobId: job!.jobId, token: claimed.fencingToken }, { token: agent.token }))).toBe('LEASE_LOST');
  });

  it('a cancel request reaches the holder by heartbeat, and whatever it calls next ends the run CANCELLED', async () => {
    await clearQueue();
    const jobs = await seedJobs(t, { count: 3 });
    const claims = [(await claim(t, agent))!, (await claim(t, agent))!, (await claim(t, agent))!];
    await t.api.services.pool.query('UPDATE jobs SET cancel_requested = true WHERE id = ANY($1::uuid[])', [jobs.map((j) => j.jobId)]);
    for (const c of claims) {
      const beat = await t.ok<{ heartbeat: { cancelRequested: boolean } }>(HEARTBEAT, { jobId: c.jobId, token: c.fencingToken }, { token: agent.token });
      expect(beat.heartbeat.cancelRequested).toBe(true);
    }
    const results = [
      (await t.ok<{ completeJob: { status: string; runStatus: string } }>(COMPLETE, { jobId: claims[0]!.jobId, token: claims[0]!.fencingToken }, { token: agent.token })).completeJob,
      (await t.ok<{ failJob: { status: string; runStatus: string } }>(FAIL, { jobId: claims[1]!.jobId, token: claims[1]!.fencingToken, error: 'stopped', retryable: true }, { token: agent.token })).failJob,
      (await t.ok<{ releaseJob: { status: string; runStatus: string } }>(RELEASE, { jobId: claims[2]!.jobId, token: claims[2]!.fencingToken }, { token: agent.token })).releaseJob,
    ];
    for (const r of results) expect(r).toMatchObject({ status: 'CANCELLED', runStatus: 'CANCELLED' });
    for (const j of jobs) expect((await jobRow(t, j.jobId)).run_status).toBe('CANCELLED');
  });

  it('heartbeat extends the lease, records progress and the backend actually loaded', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    const claimed = (await claim(t, agent))!;
    await t.api.services.pool.query(`UPDATE jobs SET lease_expires_at = now() + interval '3 seconds' WHERE id = $1`, [job!.jobId]);
    const beat = await t.ok<{ heartbeat: { leaseExpiresAt: string; cancelRequested: boolean } }>(
      HEARTBEAT, { jobId: job!.jobId, token: claimed.fencingToken, progress: { step: 40 }, backend: 'wasm' }, { token: agent.token },
    );
    expect(beat.heartbeat.cancelRequested).toBe(false);
    const row = await jobRow(t, job!.jobId);
    expect(row.lease_expires_at!.getTime()).toBe(new Date(beat.heartbeat.leaseExpiresAt).getTime());
    expect(row.lease_expires_at!.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(row).toMatchObject({ progress: { step: 40 }, run_backend: 'wasm' });
  });
});
