// Cross-run similarity jobs: when a blockwise run and its matched E2E run (same sweep, size, K,
// seed) have both succeeded with checkpoints, exactly one COMPARE job is queued for the pair, and
// its claim carries both runs' final checkpoints.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from './harness.js';
import { COMPLETE, REGISTER_CHECKPOINT, startAgentApi, uploadArtifact, type TestAgent } from './agent-fixtures.js';

const CLAIM_WITH_OTHER = `mutation($agentId: ID!) {
  claimJob(agentId: $agentId) { jobId runId kind otherRunId fencingToken latestCheckpoint { step sha256 } otherCheckpoint { step sha256 } }
}`;

interface Claim { jobId: string; runId: string; kind: string; otherRunId: string | null; fencingToken: string; latestCheckpoint: { step: number; sha256: string } | null; otherCheckpoint: { step: number; sha256: string } | null }

let t: TestApi;
let agent: TestAgent;
beforeAll(async () => ({ t, agent } = await startAgentApi()));
afterAll(async () => { await t.close(); });

async function seedSweep(): Promise<Record<string, string>> {
  const pool = t.api.services.pool;
  const project = (await pool.query<{ id: string }>("INSERT INTO projects (name) VALUES ($1) RETURNING id", [`cmp-${crypto.randomBytes(4).toString('hex')}`])).rows[0]!.id;
  const sweep = (await pool.query<{ id: string }>("INSERT INTO sweeps (project_id, name, spec, spec_hash, expansion) VALUES ($1, 's', '{}', 'h', '[]') RETURNING id", [project])).rows[0]!.id;
  const cells: Array<[string, string, number, number]> = [
    ['e2e', 'E2E', 3, 0], ['sim', 'BLOCKWISE_SIMULTANEOUS', 3, 0], ['seq', 'BLOCKWISE_SEQUENTIAL', 3, 0],
    ['e2e-seed1', 'E2E', 3, 1], ['sim-k2', 'BLOCKWISE_SIMULTANEOUS', 2, 0],
  ];
  const ids: Record<string, string> = {};
  for (const [name, mode, blocks, seed] of cells) {
    const run = (await pool.query<{ id: string }>(
      "INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config) VALUES ($1, $2, $3, $4, 'nano', $5, $6, 'moving-mnist', '{}') RETURNING id",
      [project, sweep, name, mode, blocks, seed])).rows[0]!.id;
    await pool.query("INSERT INTO jobs (run_id, kind) VALUES ($1, 'TRAIN')", [run]);
    ids[name] = run;
  }
  return ids;
}

async function finishNextTrainJob(): Promise<Claim> {
  const claim = (await t.ok<{ claimJob: Claim }>(CLAIM_WITH_OTHER, { agentId: agent.agentId }, { token: agent.token })).claimJob;
  expect(claim.kind).toBe('TRAIN');
  const weights = crypto.randomBytes(64);
  const upload = await uploadArtifact(t, agent.token, weights, claim);
  await t.ok(REGISTER_CHECKPOINT, { jobId: claim.jobId, token: claim.fencingToken, step: 50, sha256: upload.sha256, bytes: weights.length }, { token: agent.token });
  await t.ok(COMPLETE, { jobId: claim.jobId, token: claim.fencingToken, summary: {} }, { token: agent.token });
  return claim;
}

async function compareJobs(): Promise<Array<{ run_id: string; other_run_id: string }>> {
  return (await t.api.services.pool.query<{ run_id: string; other_run_id: string }>("SELECT run_id, other_run_id FROM jobs WHERE kind = 'COMPARE' ORDER BY created_at")).rows;
}

describe('COMPARE jobs for matched pairs', () => {
  it('queues one job per finished (blockwise, E2E) pair, never for unmatched runs, and hands out both checkpoints', async () => {
    const ids = await seedSweep();
    const finished = new Map<string, Claim>();
    for (let i = 0; i < 5; i++) {
      const claim = await finishNextTrainJob();
      finished.set(claim.runId, claim);
    }
    const pairs = await compareJobs();
    expect(pairs.map((p) => [p.run_id, p.other_run_id]).sort()).toEqual([[ids.sim, ids.e2e], [ids.seq, ids.e2e]].sort());

    // Finishing again (a replayed completion is refused) or re-running the enqueue adds nothing.
    const { enqueueCompareJobs } = await import('../src/job/enqueue-compare.js');
    expect(await enqueueCompareJobs(t.api.services, ids.e2e!)).toEqual([]);
    expect(await compareJobs()).toHaveLength(2);

    const compare = (await t.ok<{ claimJob: Claim }>(CLAIM_WITH_OTHER, { agentId: agent.agentId }, { token: agent.token })).claimJob;
    expect(compare.kind).toBe('COMPARE');
    expect(compare.otherRunId).toBe(ids.e2e);
    expect(compare.latestCheckpoint?.step).toBe(50);
    expect(compare.otherCheckpoint?.step).toBe(50);
    expect(compare.otherCheckpoint?.sha256).not.toBe(compare.latestCheckpoint?.sha256);
    // The COMPARE job leaves its runs' statuses alone.
    const statuses = (await t.api.services.pool.query<{ status: string }>('SELECT status::text FROM runs WHERE id = ANY($1)', [[compare.runId, compare.otherRunId]])).rows;
    expect(statuses.map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
