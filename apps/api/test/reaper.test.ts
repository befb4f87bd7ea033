// The reaper with two API instances on one database: every expired lease is reclaimed exactly
// once between them, and silent agents are marked LOST (and come back on their next call).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { loadConfig } from '../src/env.js';
import { startApi, type RunningApi } from '../src/app.js';
import { Topics } from '../src/events/pubsub.js';
import { reclaimExpired } from '../src/job/reclaim-expired.js';
import { claim, registerTestAgent, seedJobs, type TestAgent } from './agent-fixtures.js';

let t: TestApi;
let second: RunningApi;
let secondDir: string;
let agent: TestAgent;

beforeAll(async () => {
  t = await startTestApi({ REAPER_INTERVAL_MS: '50', AGENT_LOST_AFTER_SECONDS: '30' });
  secondDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-api-second-'));
  // A second replica of the API on the same database, with its own reaper.
  second = await startApi(loadConfig({
    DATABASE_URL: t.db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: secondDir, TOKEN_PEPPER: 'test-pepper-0123456789abcdef',
    LOG_LEVEL: 'silent', REAPER_INTERVAL_MS: '50', AGENT_LOST_AFTER_SECONDS: '30',
  }), { log: pino({ level: 'silent' }), bootstrapAdmin: false });
  agent = await registerTestAgent(t);
});
afterAll(async () => {
  await second.close();
  await t.close();
  fs.rmSync(secondDir, { recursive: true, force: true });
});

/** Collects QUEUE events (from both replicas: they travel through NOTIFY) until `until` holds. */
async function collectQueueEvents(until: (events: Array<{ jobId: string; status: string }>) => boolean, timeoutMs: number) {
  const events: Array<{ jobId: string; status: string }> = [];
  const iterator = t.api.services.pubsub.subscribe(Topics.queue)[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  let pending: Promise<IteratorResult<unknown>> | null = null;
  try {
    while (!until(events) && Date.now() < deadline) {
      pending ??= iterator.next(); // one outstanding next() at a time, kept across timeouts, so no event is dropped
      const next = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
      if (next === null) continue;
      pending = null;
      if (!next.done) events.push(next.value as { jobId: string; status: string });
    }
  } finally {
    await iterator.return?.();
  }
  return events;
}

async function expiredJobs(count: number): Promise<string[]> {
  const jobs = await seedJobs(t, { count });
  const ids = jobs.map((j) => j.jobId);
  await t.api.services.pool.query(
    `UPDATE jobs SET status = 'RUNNING', lease_owner = $2, attempts = 1, fencing_token = 1, lease_expires_at = now() - interval '5 minutes' WHERE id = ANY($1::uuid[])`,
    [ids, agent.agentId],
  );
  return ids;
}

describe('reaper across replicas', () => {
  it('two replicas\' background reapers requeue each expired lease exactly once', async () => {
    const listening = collectQueueEvents((events) => new Set(events.map((e) => e.jobId)).size >= 60 && events.length >= 60, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // subscribed before the leases expire
    const ids = await expiredJobs(60);
    const events = (await listening).filter((e) => ids.includes(e.jobId));
    // Give any double requeue time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const perJob = new Map<string, number>();
    for (const e of events) perJob.set(e.jobId, (perJob.get(e.jobId) ?? 0) + 1);
    expect(perJob.size).toBe(60);
    expect([...perJob.values()].every((n) => n === 1)).toBe(true);
    expect(events.every((e) => e.status === 'QUEUED')).toBe(true);
    const { rows } = await t.api.services.pool.query<{ status: string; attempts: number; n: number }>(
      `SELECT status::text, attempts, count(*)::int AS n FROM jobs WHERE id = ANY($1::uuid[]) GROUP BY 1, 2`, [ids],
    );
    expect(rows).toEqual([{ status: 'QUEUED', attempts: 1, n: 60 }]);
  });

  it('concurrent reclaimExpired calls on both replicas split the work with no overlap', async () => {
    // Stop nothing: the background reapers keep running too, and must not overlap either.
    const ids = await expiredJobs(120);
    const seen: string[] = [];
    const drain = async (services: RunningApi['services']) => {
      for (let i = 0; i < 200; i++) {
        const done = await reclaimExpired(services, 7);
        seen.push(...done.map((d) => d.jobId).filter((id) => ids.includes(id)));
        if (done.length === 0) break;
      }
    };
    const listening = collectQueueEvents((events) => events.filter((e) => ids.includes(e.jobId)).length >= 120, 15_000);
    await Promise.all([drain(t.api.services), drain(second.services), drain(t.api.services), drain(second.services)]);
    const events = (await listening).filter((e) => ids.includes(e.jobId));
    expect(new Set(seen).size).toBe(seen.length); // the direct callers never got the same job twice
    expect(events).toHaveLength(120); // and, counting the background reapers, each job was requeued once
    expect(new Set(events.map((e) => e.jobId)).size).toBe(120);
  });

  it('marks an agent LOST after AGENT_LOST_AFTER_SECONDS without a heartbeat, and ONLINE again when it calls', async () => {
    const quiet = await registerTestAgent(t);
    await t.api.services.pool.query(`UPDATE agents SET last_heartbeat_at = now() - interval '31 seconds' WHERE id = $1`, [quiet.agentId]);
    let status = 'ONLINE';
    for (let i = 0; i < 100 && status !== 'LOST'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await t.api.services.pool.query<{ status: string }>('SELECT status::text FROM agents WHERE id = $1', [quiet.agentId])).rows[0]!.status;
    }
    expect(status).toBe('LOST');
    const listed = await t.ok<{ agents: Array<{ name: string; status: string }> }>('{ agents(status: [LOST]) { name status } }', {}, 'reader');
    expect(listed.agents.map((a) => a.name)).toContain(quiet.name);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
    await claim(t, quiet); // polling for work is a sign of life
    const back = await t.api.services.pool.query<{ status: string }>('SELECT status::text FROM agents WHERE id = $1', [quiet.agentId]);
    expect(back.rows[0]!.status).toBe('ONLINE');
    // An agent that keeps heartbeating is left alone.
    const fresh = await t.api.services.pool.query<{ status: string }>('SELECT status::text FROM agents WHERE id = $1', [agent.agentId]);
    expect(fresh.rows[0]!.status).toBe('ONLINE');
  });
});
