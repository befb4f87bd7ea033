// Reads through a real streaming replica (pg_basebackup -R), behind HAProxy. Replay is paused on
// the replica (pg_wal_replay_pause) to make it fall behind on purpose; then:
// - what a caller must see right after its own write reads the primary: the CLI's `sweep create`
//   then `sweep status`, an agent's own claimed job, `cancelRun` then the run view;
// - dashboard lists read the replica and may lag;
// - above DATABASE_READ_MAX_LAG_MS an API replica moves its dashboard reads to the primary, and
//   says so in /readyz and /metrics; when replay resumes they move back.
// Replica 0 is given a lag limit it never reaches (its lists show the lag), replica 1 a short one.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/processes.js';
import { skipReason, startTopology, type Topology } from './topology.js';

const reason = skipReason();
let t: Topology;
let writer: string;
let admin: string;
let agentToken: string;

beforeAll(async () => {
  if (reason) return;
  t = await startTopology({ replicas: 2, apiEnv: (i) => ({ DATABASE_READ_MAX_LAG_MS: i === 0 ? '3600000' : '1000', REPLICA_LAG_POLL_MS: '200' }) });
  writer = await t.token('WRITER');
  admin = await t.token('ADMIN');
  agentToken = await t.token('AGENT');
}, 240_000);
afterAll(async () => {
  await t?.close();
});

async function gql<T = Record<string, unknown>>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`${url}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

interface Readiness { status: string; replica: { reads: 'replica' | 'primary'; lagMs: number | null; maxLagMs: number; reason: string | null; fallbacks: number } | null }
const readyz = async (url: string) => (await (await fetch(`${url}/readyz`)).json()) as Readiness;
const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

/** The `stratum` CLI (packages/client), run against the balancer. */
function cli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('@stratum/client')), '..', 'bin', 'stratum.js');
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', STRATUM_URL: t.balancer.url, STRATUM_TOKEN: writer }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function onReplica(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: t.replica.url() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const SWEEPS = 'query($p: String) { sweeps(project: $p) { id name } }';
const RUNS = 'query($s: ID!) { runs(filter: { sweepId: $s }, first: 50) { nodes { id status } } }';

describe.skipIf(reason !== null)(`read replica (${reason ?? 'primary + streaming replica + 2 API replicas + HAProxy'})`, () => {
  it('reads go to the replica while it keeps up; /readyz and /metrics report its lag', async () => {
    for (const api of t.apis) {
      const ready = await waitFor('reads on the replica', async () => ((await readyz(api!.url)).replica?.reads === 'replica' ? readyz(api!.url) : undefined), 30_000);
      expect(ready.status).toBe('ready');
      expect(ready.replica!.lagMs).toBeGreaterThanOrEqual(0);
      expect(ready.replica!.lagMs).toBeLessThan(ready.replica!.maxLagMs);
      expect(await metric(api!.url, 'stratum_replica_reads')).toBe(1);
      expect(await metric(api!.url, 'stratum_replica_lag_seconds')).toBeGreaterThanOrEqual(0);
    }
    // A sweep created through the balancer reaches the replica's lists.
    const created = await cli(['sweep', 'create', '-f', '-', '--json'], JSON.stringify({ project: 'rr', name: 'before-pause', factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E'], seeds: [0] } }));
    expect(created.code, created.stderr).toBe(0);
    await waitFor('the sweep in the replica-backed list', async () => (await gql<{ sweeps: Array<{ name: string }> }>(t.apis[0]!.url, admin, SWEEPS, { p: 'rr' })).sweeps.some((s) => s.name === 'before-pause'), 30_000);
  });

  it('with replay paused: own writes read back from the primary, lists lag, then fall back past the limit', async () => {
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      // The CLI's create then status, through the balancer (either API replica answers each).
      const spec = { project: 'rr', name: 'while-paused', factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E'], seeds: [0, 1] } };
      const created = await cli(['sweep', 'create', '-f', '-', '--json'], JSON.stringify(spec));
      expect(created.code, created.stderr).toBe(0);
      const sweepId = (JSON.parse(created.stdout) as { sweep: { id: string } }).sweep.id;
      for (let i = 0; i < 4; i++) {
        const status = await cli(['sweep', 'status', 'while-paused', '--project', 'rr', '--json'], '');
        expect(status.code, status.stderr).toBe(0);
        const body = JSON.parse(status.stdout) as { statusCounts: { total: number; queued: number }; runs: unknown[] };
        expect(body.statusCounts).toMatchObject({ total: 2, queued: 2 });
        expect(body.runs).toHaveLength(2);
      }
      // Replica 0 (limit never reached) lists from the paused replica: the new sweep is not there yet.
      const lagging = await gql<{ sweeps: Array<{ name: string }> }>(t.apis[0]!.url, admin, SWEEPS, { p: 'rr' });
      expect(lagging.sweeps.map((s) => s.name)).toEqual(['before-pause']);

      // An agent's own job: claimed through replica 0, seen by it at once.
      const agent = (await gql<{ registerAgent: { id: string } }>(t.apis[0]!.url, agentToken, 'mutation { registerAgent(name: "rr-agent", host: "h", backends: ["cpu"]) { id } }')).registerAgent;
      const claim = (await gql<{ claimJob: { jobId: string; runId: string } | null }>(t.apis[0]!.url, agentToken, 'mutation($a: ID!) { claimJob(agentId: $a) { jobId runId } }', { a: agent.id })).claimJob;
      expect(claim).not.toBeNull();
      const mine = await gql<{ agent: { currentJobs: Array<{ jobId: string; status: string }> } }>(t.apis[0]!.url, admin, 'query($a: ID!) { agent(id: $a) { currentJobs { jobId status } } }', { a: agent.id });
      expect(mine.agent.currentJobs).toEqual([{ jobId: claim!.jobId, status: 'RUNNING' }]);

      // cancelRun, then the run view: CANCELLED at once; the replica-backed list still has the old state.
      const other = (await gql<{ sweep: { runs: Array<{ id: string }> } }>(t.apis[0]!.url, admin, 'query($s: ID!) { sweep(id: $s) { runs { id } } }', { s: sweepId })).sweep.runs.find((r) => r.id !== claim!.runId)!;
      await gql(t.apis[0]!.url, writer, 'mutation($id: ID!) { cancelRun(id: $id) { id status } }', { id: other.id });
      const view = await gql<{ run: { status: string } }>(t.apis[0]!.url, admin, 'query($id: ID!) { run(id: $id) { status } }', { id: other.id });
      expect(view.run.status).toBe('CANCELLED');
      const listed = await gql<{ runs: { nodes: unknown[] } }>(t.apis[0]!.url, admin, RUNS, { s: sweepId });
      expect(listed.runs.nodes).toEqual([]); // the paused replica has not seen the sweep at all

      // Replica 1 (limit 1 s) moves its dashboard reads to the primary, and says so.
      const fallen = await waitFor('replica 1 reading from the primary', async () => {
        const r = await readyz(t.apis[1]!.url);
        return r.replica?.reads === 'primary' ? r : undefined;
      }, 30_000);
      expect(fallen.status).toBe('ready'); // a lagging replica does not take the API out of the balancer
      expect(fallen.replica!.lagMs).toBeGreaterThan(1_000);
      expect(fallen.replica!.reason).toMatch(/behind \(limit 1000 ms\)/);
      expect(fallen.replica!.fallbacks).toBeGreaterThanOrEqual(1);
      expect(await metric(t.apis[1]!.url, 'stratum_replica_reads')).toBe(0);
      expect(await metric(t.apis[1]!.url, 'stratum_replica_lag_seconds')).toBeGreaterThan(1);
      expect(await metric(t.apis[1]!.url, 'stratum_replica_fallbacks_total')).toBeGreaterThanOrEqual(1);
      const fresh = await gql<{ sweeps: Array<{ name: string }> }>(t.apis[1]!.url, admin, SWEEPS, { p: 'rr' });
      expect(fresh.sweeps.map((s) => s.name).sort()).toEqual(['before-pause', 'while-paused']);
      // …while replica 0 still lists from the replica.
      expect((await readyz(t.apis[0]!.url)).replica!.reads).toBe('replica');
      expect((await gql<{ sweeps: unknown[] }>(t.apis[0]!.url, admin, SWEEPS, { p: 'rr' })).sweeps).toHaveLength(1);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    // Replay resumed: replica 1 goes back to the replica, and replica 0's lists catch up.
    await waitFor('replica 1 back on the replica', async () => (await readyz(t.apis[1]!.url)).replica?.reads === 'replica', 30_000);
    expect(await metric(t.apis[1]!.url, 'stratum_replica_reads')).toBe(1);
    await waitFor('the list caught up', async () => (await gql<{ sweeps: unknown[] }>(t.apis[0]!.url, admin, SWEEPS, { p: 'rr' })).sweeps.length === 2, 30_000);
  });
});
