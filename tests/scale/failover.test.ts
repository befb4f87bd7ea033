// kill -9 of one API replica behind HAProxy while agents log metrics through the balancer, then
// the replica restarted on its port: the agents see retries and nothing else, every point is
// stored exactly once, leases and fencing tokens are unchanged, and run-status subscriptions that
// lived on the dead replica reconnect through the balancer and see every run end SUCCEEDED.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/processes.js';
import { seedRuns } from '../support/seed.js';
import { SpoolAgent, STEP_KEYS, stepValue } from '../support/spool-agent.js';
import { skipReason, startTopology, type Topology } from './topology.js';

const reason = skipReason();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-scale-failover-'));
let t: Topology;

beforeAll(async () => {
  if (reason) return;
  t = await startTopology({ replicas: 2 });
}, 240_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(reason !== null)(`failover (${reason ?? '2 API replicas behind HAProxy, one killed -9 and restarted'})`, () => {
  it('loses and duplicates nothing, keeps leases, and subscriptions reconnect', async () => {
    const runs = await seedRuns(t.pool, 3, { prefix: 'failover' });
    const agents = await Promise.all(runs.map(async (_, i) => new SpoolAgent({ api: t.balancer.url, token: await t.token('AGENT', `failover-${i}`), name: `failover-${i}`, workDir: path.join(work, `agent-${i}`), batchMs: 50 }, i)));
    for (const agent of agents) await agent.claim();
    const fences = await t.pool.query<{ id: string; fencing_token: string }>('SELECT id, fencing_token::text FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id', [agents.map((a) => a.lease!.jobId)]);

    // Run-status subscriptions through the balancer, several sockets so some land on the replica that dies.
    const reader = await t.token('READER');
    const statuses = new Map<string, string>();
    let connects = 0;
    const sockets = Array.from({ length: 4 }, () => createClient({
      url: t.balancer.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${reader}` },
      lazy: false,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async () => new Promise((resolve) => setTimeout(resolve, 200)),
      on: { connected: () => void connects++ },
      onNonLazyError: () => undefined,
    }));
    for (const [i, socket] of sockets.entries()) {
      for (const run of runs) {
        socket.subscribe({ query: 'subscription($r: ID!) { runStatusChanged(runId: $r) { runId status } }', variables: { r: run.runId } }, {
          next: (value) => {
            const event = (value.data as { runStatusChanged: { runId: string; status: string } }).runStatusChanged;
            statuses.set(`${i}:${event.runId}`, event.status);
          },
          error: () => undefined,
          complete: () => undefined,
        });
      }
    }
    await waitFor('every socket connected', () => connects >= sockets.length, 30_000);

    let producing = true;
    const producers = agents.map(async (agent) => {
      while (producing) {
        agent.step();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const killedAt = agents.map((a) => a.nextStep);
    await t.kill(0);
    await t.balancer.waitFor(t.ports[0]!, 'DOWN');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await t.restart(0);
    await t.balancer.waitFor(t.ports[0]!, 'UP');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    producing = false;
    await Promise.all(producers);
    for (const agent of agents) await agent.flush();

    // Leases held throughout: same fencing tokens, heartbeats and completion accepted.
    const after = await t.pool.query<{ id: string; fencing_token: string; status: string }>('SELECT id, fencing_token::text, status::text FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id', [agents.map((a) => a.lease!.jobId)]);
    expect(after.rows.map((r) => [r.id, r.fencing_token])).toEqual(fences.rows.map((r) => [r.id, r.fencing_token]));
    expect(after.rows.every((r) => r.status === 'RUNNING')).toBe(true);
    for (const agent of agents) {
      await agent.protocol.heartbeat(agent.lease!, { step: agent.nextStep }, 'cpu');
      expect(await agent.protocol.completeJob(agent.lease!, { steps: agent.nextStep })).toMatchObject({ status: 'SUCCEEDED', runStatus: 'SUCCEEDED' });
      expect(agent.leaseLost).toBeNull();
      expect(agent.pendingBatches).toBe(0);
    }

    // Every point exactly once, with its value.
    for (const [i, agent] of agents.entries()) {
      expect(agent.nextStep).toBeGreaterThan(killedAt[i]!); // it kept producing across the failover
      const { rows } = await t.pool.query<{ name: string; step: number; value: number }>(
        'SELECT k.name, p.step, p.value FROM metric_points p JOIN metric_keys k ON k.id = p.key_id WHERE p.run_id = $1', [agent.runId]);
      expect(rows).toHaveLength(agent.nextStep * STEP_KEYS.length);
      const seen = new Set(rows.map((r) => `${r.name}:${r.step}`));
      expect(seen.size).toBe(rows.length);
      expect(rows.every((r) => r.value === stepValue(i, STEP_KEYS.indexOf(r.name as (typeof STEP_KEYS)[number]), r.step))).toBe(true);
    }

    // Subscriptions: sockets on the dead replica reconnected, and every socket saw every run end SUCCEEDED.
    expect(connects).toBeGreaterThan(sockets.length);
    await waitFor('every subscription saw SUCCEEDED', () => [...sockets.keys()].every((i) => runs.every((r) => statuses.get(`${i}:${r.runId}`) === 'SUCCEEDED')), 30_000);
    for (const socket of sockets) await socket.dispose();
    for (const agent of agents) await agent.close();
  });
});
