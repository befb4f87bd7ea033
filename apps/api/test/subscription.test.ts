// Subscriptions over graphql-ws on the API's port: run status changes caused by a mutation,
// metric points filtered by key, queue changes, agent heartbeats, and the role checks on subscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Topics } from '../src/events/pubsub.js';
import { startTestApi, type TestApi } from './harness.js';
import { seedRun, seedSweep } from './research-fixtures.js';
import { claim, HEARTBEAT, registerTestAgent, seedJobs } from './agent-fixtures.js';

let t: TestApi;
const clients: Client[] = [];
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await t.close();
});

function connect(token: string | null): Client {
  const client = createClient({
    url: t.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(client);
  return client;
}

type Result<T> = { data?: T | null; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> };

/**
 * Subscribes, then calls `poke` every 100 ms until the first result arrives (the subscription is
 * live once one does), and returns the iterator positioned after that warm-up result.
 */
async function liveSubscription<T>(client: Client, query: string, variables: Record<string, unknown>, poke: () => void, isWarmup: (r: Result<T>) => boolean) {
  const iterator = client.iterate<T>({ query, variables });
  const first = iterator.next();
  const timer = setInterval(poke, 100);
  try {
    for (let i = 0; i < 100; i++) {
      const result = await Promise.race([first, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
      if (result) {
        if (result.done) throw new Error('subscription ended before it delivered anything');
        if (!isWarmup(result.value as Result<T>)) return { iterator, firstReal: result.value as Result<T> };
        return { iterator, firstReal: null };
      }
    }
    throw new Error('subscription never went live');
  } finally {
    clearInterval(timer);
  }
}

async function nextMatching<T>(iterator: AsyncIterableIterator<Result<T>>, accept: (r: Result<T>) => boolean): Promise<Result<T>> {
  for (let i = 0; i < 50; i++) {
    const next = await Promise.race([iterator.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000))]);
    if (next.done) throw new Error('subscription ended');
    if (accept(next.value)) return next.value;
  }
  throw new Error('no matching event');
}

describe('subscriptions', () => {
  it('delivers a run status change made by cancelRun, with the run as it is now', async () => {
    const { sweepId, runs } = await seedSweep(t, 'live', [{ modelSize: 'nano', blocks: 2, mode: 'E2E', seed: 0, status: 'QUEUED' }, { modelSize: 'nano', blocks: 2, mode: 'E2E', seed: 1, status: 'QUEUED' }], 'subs');
    const other = await seedRun(t, { status: 'QUEUED', project: 'subs' });
    const target = runs[0]!.id;
    type Event = { runStatusChanged: { runId: string; sweepId: string; status: string; run: { name: string; status: string } | null } };
    const client = connect(t.tokens.reader);
    const warm = () => t.api.services.pubsub.publish(Topics.runStatus, { runId: runs[1]!.id, sweepId, status: 'QUEUED' });
    const { iterator } = await liveSubscription<Event>(client,
      'subscription($sweepId: ID) { runStatusChanged(sweepId: $sweepId) { runId sweepId status run { name status } } }', { sweepId }, warm, () => true);
    // Another sweep's change is filtered out; this sweep's cancellation comes through.
    await t.ok('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: other }, 'writer');
    await t.ok('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: target }, 'writer');
    const event = await nextMatching(iterator, (r) => r.data?.runStatusChanged.status === 'CANCELLED');
    expect(event.data!.runStatusChanged).toEqual({ runId: target, sweepId, status: 'CANCELLED', run: { name: runs[0]!.name, status: 'CANCELLED' } });
    await iterator.return?.();
  });

  it('delivers new metric points of one run, only the keys asked for', async () => {
    const run = await seedRun(t, { status: 'RUNNING', project: 'subs' });
    type Event = { metricPoints: { runId: string; points: Array<{ key: string; block: number | null; step: number; value: number }> } };
    const client = connect(t.tokens.reader);
    const warm = () => t.api.services.pubsub.publish(Topics.runMetrics(run), { runId: run, points: [{ key: 'loss', block: null, step: -1, value: 0 }] });
    const { iterator } = await liveSubscription<Event>(client,
      'subscription($runId: ID!) { metricPoints(runId: $runId, keys: ["loss"]) { runId points { key block step value } } }', { runId: run }, warm, () => true);
    t.api.services.pubsub.publish(Topics.runMetrics(run), { runId: run, points: [{ key: 'lr', block: null, step: 5, value: 0.1 }] });
    t.api.services.pubsub.publish(Topics.runMetrics(run), { runId: run, points: [{ key: 'lr', block: null, step: 6, value: 0.1 }, { key: 'loss', block: 2, step: 6, value: 1.25 }] });
    const event = await nextMatching(iterator, (r) => r.data?.metricPoints.points.some((p) => p.step === 6) ?? false);
    expect(event.data!.metricPoints).toEqual({ runId: run, points: [{ key: 'loss', block: 2, step: 6, value: 1.25 }] });
    await iterator.return?.();
  });

  it('delivers queue changes', async () => {
    const run = await seedRun(t, { status: 'FAILED', project: 'subs' });
    type Event = { queueChanged: { jobId: string; runId: string; status: string } };
    const client = connect(t.tokens.admin);
    const warm = () => t.api.services.pubsub.publish(Topics.queue, { jobId: '00000000-0000-0000-0000-000000000000', runId: run, status: 'SUCCEEDED' });
    const { iterator } = await liveSubscription<Event>(client, 'subscription { queueChanged { jobId runId status } }', {}, warm, () => true);
    await t.ok('mutation($id: ID!) { retryRun(id: $id) { id } }', { id: run }, 'writer');
    const event = await nextMatching(iterator, (r) => r.data?.queueChanged.runId === run && r.data.queueChanged.status === 'QUEUED');
    const { rows } = await t.api.services.pool.query<{ id: string }>(`SELECT id FROM jobs WHERE run_id = $1`, [run]);
    expect(event.data!.queueChanged).toEqual({ jobId: rows[0]!.id, runId: run, status: 'QUEUED' });
    await iterator.return?.();
  });

  it('delivers agent heartbeats with the progress reported', async () => {
    const agent = await registerTestAgent(t);
    await seedJobs(t);
    const job = (await claim(t, agent))!;
    type Event = { agentHeartbeat: { agentId: string | null; jobId: string; runId: string; progress: unknown; at: string } };
    const client = connect(t.tokens.reader);
    const warm = () => t.api.services.pubsub.publish(Topics.agentHeartbeat, { agentId: null, jobId: job.jobId, runId: job.runId, progress: null, at: new Date(0).toISOString() });
    const { iterator } = await liveSubscription<Event>(client, 'subscription { agentHeartbeat { agentId jobId runId progress at } }', {}, warm, () => true);
    await t.ok(HEARTBEAT, { jobId: job.jobId, token: job.fencingToken, progress: { step: 40, of: 100 } }, { token: agent.token });
    const event = await nextMatching(iterator, (r) => (r.data?.agentHeartbeat.progress as { step?: number } | null)?.step === 40);
    expect(event.data!.agentHeartbeat).toMatchObject({ agentId: agent.agentId, jobId: job.jobId, runId: job.runId, progress: { step: 40, of: 100 } });
    await iterator.return?.();
  });

  it('refuses agents and anonymous subscribers', async () => {
    const agent = connect(t.tokens.agent);
    const result = await agent.iterate({ query: 'subscription { queueChanged { jobId } }' }).next();
    expect((result.value as Result<unknown>).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = connect(null);
    await expect(anonymous.iterate({ query: 'subscription { queueChanged { jobId } }' }).next()).rejects.toBeTruthy();
  });
});
