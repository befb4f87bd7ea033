// Issue 18 item 9: a non-finite loss fails the run as diverged, with the step and the block, at
// once (no retry: training is deterministic), and the run says so; a retry clears it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { claim, errorCode, jobRow, registerTestAgent, seedJobs } from './agent-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

const FAIL_DIVERGED = `mutation($jobId: ID!, $token: String!, $divergence: DivergenceInput) {
  failJob(jobId: $jobId, fencingToken: $token, error: "training diverged: loss NaN at step 37 (block 2)", retryable: true, divergence: $divergence) { status runStatus attempts }
}`;
const RUN = 'query($id: ID!) { run(id: $id) { status error divergence { step block quantity value } } }';

it('fails the run as diverged at once, recording the step and the block', async () => {
  const agent = await registerTestAgent(t);
  const [job] = await seedJobs(t, { maxAttempts: 3 });
  const claimed = (await claim(t, agent))!;
  const data = await t.ok<{ failJob: unknown }>(FAIL_DIVERGED, {
    jobId: job!.jobId, token: claimed.fencingToken, divergence: { step: 37, block: 2, quantity: 'loss', value: 'NaN' },
  }, { token: agent.token });
  // retryable: true and attempts left, yet FAILED: a divergence is not retried.
  expect(data.failJob).toEqual({ status: 'FAILED', runStatus: 'FAILED', attempts: 1 });
  expect((await jobRow(t, job!.jobId)).status).toBe('FAILED');
  const run = await t.ok<{ run: unknown }>(RUN, { id: job!.runId }, 'reader');
  expect(run.run).toEqual({
    status: 'FAILED', error: 'training diverged: loss NaN at step 37 (block 2)',
    divergence: { step: 37, block: 2, quantity: 'loss', value: 'NaN' },
  });

  // A retry starts over: the divergence belongs to the failed attempt.
  await t.ok('mutation($id: ID!) { retryRun(id: $id) { id } }', { id: job!.runId }, 'writer');
  expect((await t.ok<{ run: { divergence: unknown } }>(RUN, { id: job!.runId }, 'reader')).run.divergence).toBeNull();
});

it('refuses a divergence that names no non-finite value, and writes nothing', async () => {
  const agent = await registerTestAgent(t);
  await seedJobs(t);
  const claimed = (await claim(t, agent))!;
  const response = await t.gql(FAIL_DIVERGED, {
    jobId: claimed.jobId, token: claimed.fencingToken, divergence: { step: 3, block: null, quantity: 'loss', value: '12.5' },
  }, { token: agent.token });
  expect(errorCode(response)).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(response.errors)).toMatch(/value/);
  expect((await jobRow(t, claimed.jobId)).status).toBe('RUNNING');
});
