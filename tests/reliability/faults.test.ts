// Faults, on loopback with real processes and real PostgreSQL:
//  - PostgreSQL is stopped and started again (a dedicated embedded server) while agents log
//    metrics through the agent's own spool code; one agent also "crashes" during the outage and
//    replays its spool from disk: every point ends up stored exactly once.
//  - The API process is killed (SIGKILL) mid-ingestion and started again on the same database:
//    leases survive, the agents carry on with the same fencing tokens, nothing is lost.
//  - The artifact store runs out of disk: the agent gets a clear 507 and retries the checkpoint
//    upload later; the job is not failed, and completes once space is back.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, generateToken, hashToken, loadConfig, startApi } from '@stratum/api';
import { ensureDatabase, freePort, startEmbeddedPostgres } from '@stratum/db';
import { createTestDatabase } from '@stratum/db/testing';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { spawnAgentDaemon, startApiProcess, waitFor } from '../support/processes.js';
import { seedRuns, tinyTrainConfig } from '../support/seed.js';
import { SpoolAgent, STEP_KEYS, stepValue } from '../support/spool-agent.js';

const PEPPER = 'faults-test-pepper-0123456789abcdef';
const report: Record<string, unknown> = {};
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  const dir = path.join(import.meta.dirname, '..', 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'faults-report.json'), JSON.stringify(report, null, 2) + '\n');
});

function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function insertToken(url: string, role: string, label: string): Promise<string> {
  const token = generateToken();
  await query(url, 'INSERT INTO api_tokens (label, role, hash, prefix) VALUES ($1, $2::"TokenRole", $3, $4)', [label, role, hashToken(token, PEPPER), token.slice(0, 10)]);
  return token;
}

/** Queued jobs that only agents labelled lane=`lane` can claim. */
async function seed(url: string, count: number, lane: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await seedRuns(client, count, { prefix: `faults-${lane}`, requirements: { labels: { lane } } });
  } finally {
    await client.end();
  }
}

/** Every step 0 … agent.nextStep − 1 of every key, once, with the value sent; returns the count. */
async function expectExactlyOnce(url: string, agent: SpoolAgent): Promise<number> {
  const rows = await query<{ key: string; block: number; step: number; value: number; copies: number }>(
    url,
    `SELECT k.name AS key, p.block, p.step, p.value, count(*) OVER (PARTITION BY p.key_id, p.block, p.step)::int AS copies
     FROM metric_points p JOIN metric_keys k ON k.id = p.key_id WHERE p.run_id = $1 ORDER BY k.name, p.step`,
    [agent.runId],
  );
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const k = STEP_KEYS.indexOf(row.key as (typeof STEP_KEYS)[number]);
    if (k < 0 || row.block !== 0 || row.step < 0 || row.step >= agent.nextStep) problems.push(`never sent: ${row.key}/${row.block}/${row.step}`);
    else if (row.copies !== 1) problems.push(`${row.copies} copies of ${row.key}/${row.step}`);
    else if (row.value !== stepValue(agent.seed, k, row.step)) problems.push(`wrong value at ${row.key}/${row.step}`);
    seen.add(`${row.key}/${row.step}`);
  }
  for (const key of STEP_KEYS) {
    for (let step = 0; step < agent.nextStep; step++) if (!seen.has(`${key}/${step}`)) problems.push(`lost: ${key}/${step}`);
  }
  expect(problems.slice(0, 20), `${problems.length} problems for ${agent.options.name}`).toEqual([]);
  return rows.length;
}

/** Calls agent.step() for each agent every `everyMs` until stopped. */
function produce(agents: SpoolAgent[], everyMs = 10): { stop(): Promise<void>; paused: Set<SpoolAgent> } {
  let running = true;
  const paused = new Set<SpoolAgent>();
  const loop = (async () => {
    while (running) {
      for (const agent of agents) if (!paused.has(agent)) agent.step();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    paused,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryLogged = (agent: SpoolAgent) => agent.logLines.filter((l) => l.includes('API request failed; retrying')).length;

describe('faults', () => {
  it('PostgreSQL restarted during ingestion: spools replay, no point lost or duplicated', async () => {
    const scratch = scratchDir('stratum-faults-pg-');
    const dataDir = path.join(scratch, 'data');
    const port = await freePort();
    let server = await startEmbeddedPostgres({ dataDir, port });
    cleanups.push(() => server.stop());
    await ensureDatabase(server.url, 'stratum_faults');
    const url = server.databaseUrl('stratum_faults');
    const logLines: string[] = [];
    const config = loadConfig({
      DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: scratchDir('stratum-faults-api-'), TOKEN_PEPPER: PEPPER,
      LOG_LEVEL: 'info', LEASE_SECONDS: '60', QUERY_TIMEOUT_MS: '5000',
    });
    const api = await startApi(config, { log: createLogger('info', { write: (line: string) => void logLines.push(line) }), bootstrapAdmin: false });
    cleanups.push(() => api.close());

    await seed(url, 2, 'pg');
    const reader = await insertToken(url, 'READER', 'faults reader');
    const agents: SpoolAgent[] = [];
    for (const i of [0, 1]) {
      const agent = new SpoolAgent({ api: api.url, token: await insertToken(url, 'AGENT', `pg agent ${i}`), name: `pg-agent-${i}`, workDir: path.join(scratch, `agent-${i}`), labels: { lane: 'pg' } }, i);
      await agent.claim();
      agents.push(agent);
    }
    const [steady, crashing] = agents as [SpoolAgent, SpoolAgent];
    const producer = produce(agents);
    await sleep(600);

    const stopStarted = Date.now();
    await server.stop(); // fast shutdown: open connections are terminated
    const beforeOutage = agents.map((a) => a.nextStep);
    await sleep(1_500); // agents keep training and spooling; sends fail and are retried
    producer.paused.add(crashing);
    await crashing.crash(); // the daemon dies with unacknowledged batches on disk
    expect(fs.statSync(crashing.spoolFile).size, 'the crashed agent left batches in its spool').toBeGreaterThan(0);
    await sleep(500);
    server = await startEmbeddedPostgres({ dataDir, port });
    const outageMs = Date.now() - stopStarted;
    crashing.open(); // restarted: replays the spool from disk
    producer.paused.delete(crashing);
    await sleep(800);
    await producer.stop();
    await Promise.all(agents.map((a) => a.flush()));

    for (const agent of agents) expect(agent.nextStep).toBeGreaterThan(beforeOutage[agents.indexOf(agent)]! + 50); // trained through the outage
    expect(retryLogged(steady) + retryLogged(crashing), 'sends failed during the outage and were retried').toBeGreaterThan(0);
    const stored = [await expectExactlyOnce(url, steady), await expectExactlyOnce(url, crashing)];
    // The API is whole again: readiness, a Prisma read, the agents' leases (same fencing tokens).
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const run = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` }, body: JSON.stringify({ query: 'query($id: ID!) { run(id: $id) { status } }', variables: { id: steady.runId } }) });
    expect(await run.json()).toEqual({ data: { run: { status: 'RUNNING' } } });
    for (const agent of agents) {
      await agent.protocol.heartbeat(agent.lease!, null, null);
      expect((await agent.protocol.completeJob(agent.lease!, null)).status).toBe('SUCCEEDED');
      await agent.close();
    }
    report.postgresRestart = { outageMs, points: stored.reduce((a, b) => a + b, 0), sendRetries: retryLogged(steady) + retryLogged(crashing), lost: 0, duplicated: 0 };
  });

  it('API killed (SIGKILL) and restarted on the same database: leases survive, same fencing tokens, nothing lost', async () => {
    const db = await createTestDatabase('faults_api');
    cleanups.push(() => db.drop());
    const scratch = scratchDir('stratum-faults-kill-');
    const env = { DATABASE_URL: db.url, STRATUM_DATA_DIR: scratch, TOKEN_PEPPER: PEPPER, PORT: String(await freePort()), LEASE_SECONDS: '20', REAPER_INTERVAL_MS: '200' };
    let api = await startApiProcess(env);
    cleanups.push(() => api.stop());
    const seeded = await seed(db.url, 2, 'kill');
    const agents: SpoolAgent[] = [];
    for (const i of [0, 1]) {
      const agent = new SpoolAgent({ api: api.url, token: await insertToken(db.url, 'AGENT', `kill agent ${i}`), name: `kill-agent-${i}`, workDir: path.join(scratch, `agent-${i}`), labels: { lane: 'kill' } }, 10 + i);
      await agent.claim();
      agents.push(agent);
    }
    const leasesBefore = await query<{ id: string; fencing_token: string; attempts: number; lease_owner: string }>(db.url, 'SELECT id, fencing_token::text, attempts, lease_owner FROM jobs WHERE id = ANY($1) ORDER BY id', [seeded.map((s) => s.jobId)]);
    expect(leasesBefore.map((l) => l.attempts)).toEqual([1, 1]);

    // Heartbeats every second, as the daemon's job runner does; failures are counted, not fatal.
    let beating = true;
    const beats = { ok: 0, failed: 0 };
    const heartbeats = Promise.all(agents.map(async (agent) => {
      while (beating) {
        await sleep(1_000);
        try {
          await agent.protocol.heartbeat(agent.lease!, { step: agent.nextStep }, null, { attempts: 1 });
          beats.ok++;
        } catch {
          beats.failed++;
        }
      }
    }));
    const producer = produce(agents);
    await sleep(800);
    api.child.kill('SIGKILL');
    await api.exited;
    const killedAt = Date.now();
    await sleep(2_000);
    api = await startApiProcess(env);
    const downMs = Date.now() - killedAt;
    await sleep(1_500);
    await producer.stop();
    beating = false;
    await heartbeats;
    await Promise.all(agents.map((a) => a.flush()));

    expect(beats.failed, 'heartbeats failed while the API was down').toBeGreaterThan(0);
    const leasesAfter = await query<{ id: string; fencing_token: string; attempts: number; lease_owner: string; status: string; live: boolean }>(
      db.url, 'SELECT id, fencing_token::text, attempts, lease_owner, status::text, lease_expires_at > now() AS live FROM jobs WHERE id = ANY($1) ORDER BY id', [seeded.map((s) => s.jobId)],
    );
    expect(leasesAfter.map(({ id, fencing_token, attempts, lease_owner }) => ({ id, fencing_token, attempts, lease_owner }))).toEqual(leasesBefore);
    expect(leasesAfter.map((l) => [l.status, l.live])).toEqual([['RUNNING', true], ['RUNNING', true]]);
    const stored = [];
    for (const agent of agents) {
      stored.push(await expectExactlyOnce(db.url, agent));
      // The lease the agent got before the kill still works after it.
      expect((await agent.protocol.completeJob(agent.lease!, null)).status).toBe('SUCCEEDED');
      await agent.close();
    }
    report.apiKill = { downMs, heartbeatsFailed: beats.failed, heartbeatsOk: beats.ok, points: stored.reduce((a, b) => a + b, 0), fencingTokensKept: true, lost: 0, duplicated: 0 };
  });

  it('artifact store out of disk: the agent gets a clear 507, retries the checkpoint upload, and the job completes once space is back', async () => {
    const store = scratchDir('stratum-faults-store-');
    const mounted = tryMountTinyTmpfs(store);
    let t: StartedApi | null = null;
    t = await startApiForTest({ ARTIFACT_DIR: store, LEASE_SECONDS: '10', REAPER_INTERVAL_MS: '500' });
    const api = t;
    cleanups.push(() => api.close());
    // Out of space: fill the tmpfs to the last byte, or (where mounting is not allowed) make the
    // store's writes fail with ENOSPC as a full disk does.
    const disk = mounted ? fillDisk(store) : injectFullDisk(api);
    report.diskFull = mounted ? 'tmpfs (32 MiB, filled)' : 'injected ENOSPC store (mount not permitted)';

    const pool = new pg.Pool({ connectionString: api.db.url, max: 2 });
    cleanups.push(() => pool.end());
    // Uploads are made under a held job: a second agent holds jobs of its own lane for the direct PUTs.
    await seedRuns(pool, 2, { prefix: 'disk-direct', requirements: { labels: { lane: 'disk-direct' } } });
    const directToken = (await api.api.services.tokens.create('AGENT', 'direct uploader')).token;
    const direct = await api.gql('mutation { registerAgent(name: "direct-uploader", host: "h", labels: { lane: "disk-direct" }) { id } }', {}, directToken);
    const directId = (direct.body.data as { registerAgent: { id: string } }).registerAgent.id;
    const putUnderJob = async (body: Uint8Array<ArrayBuffer>, name: string) => {
      const claimed = await api.gql('mutation($a: ID!) { claimJob(agentId: $a) { jobId fencingToken } }', { a: directId }, directToken);
      const lease = (claimed.body.data as { claimJob: { jobId: string; fencingToken: string } }).claimJob;
      return fetch(`${api.url}/artifacts/${name}`, {
        method: 'PUT', headers: { authorization: `Bearer ${directToken}`, 'x-stratum-job': lease.jobId, 'x-stratum-fencing-token': lease.fencingToken }, body,
      });
    };

    const blob = crypto.randomBytes(200_000);
    const sha = crypto.createHash('sha256').update(blob).digest('hex');
    const agentToken = (await api.api.services.tokens.create('AGENT', 'disk agent')).token;
    const put = await putUnderJob(blob, sha);
    expect(put.status).toBe(507);
    expect(await put.json()).toEqual({ error: { code: 'INSUFFICIENT_STORAGE', message: expect.stringMatching(/out of disk space; retry later/) } });
    expect(listFiles(store).filter((f) => f !== disk.filler), 'nothing partial left in the store').toEqual([]);

    const [job] = await seedRuns(pool, 1, { prefix: 'disk', requirements: { labels: { lane: 'disk' } }, config: tinyTrainConfig({ steps: 40, checkpointEvery: 20, evaluation: { clips: 32 } }) });
    const daemon = spawnAgentDaemon(api.url, agentToken, scratchDir('stratum-faults-agent-'), { STRATUM_LABELS: 'lane=disk', STRATUM_SYSTEM_METRICS_MS: '0' }, ['--once']);
    cleanups.push(() => daemon.stop(2_000));
    await waitFor('the agent to meet the full disk', () => daemon.output().includes('out of disk space'), 90_000, 200);
    const refusedLine = daemon.output().split('\n').find((l) => l.includes('out of disk space')) ?? '';
    expect(refusedLine).toMatch(/PUT \/artifacts\/[0-9a-f]{64}: artifact store is out of disk space; retry later/);
    // The upload is retried while the job stays leased: give it a few more attempts.
    await sleep(3_000);
    const during = (await pool.query<{ status: string; attempts: number }>('SELECT status::text, attempts FROM jobs WHERE id = $1', [job!.jobId])).rows[0]!;
    expect(during).toEqual({ status: 'RUNNING', attempts: 1 });
    expect((await pool.query('SELECT 1 FROM checkpoints WHERE run_id = $1', [job!.runId])).rowCount).toBe(0);
    const refusals = daemon.output().split('\n').filter((l) => l.includes('out of disk space')).length;

    disk.free();
    const freedAt = Date.now();
    const done = await waitFor('the job to finish', async () => {
      const row = (await pool.query<{ status: string; attempts: number }>('SELECT status::text, attempts FROM jobs WHERE id = $1', [job!.jobId])).rows[0]!;
      return row.status === 'RUNNING' ? undefined : row;
    }, 120_000, 250).catch((error: Error) => {
      throw new Error(`${error.message}; agent output:\n${daemon.output().slice(-4000)}`);
    });
    expect(done, daemon.output().slice(-3000)).toEqual({ status: 'SUCCEEDED', attempts: 1 });
    const checkpoints = (await pool.query<{ step: number; sha256: string }>('SELECT step, sha256 FROM checkpoints WHERE run_id = $1 ORDER BY step', [job!.runId])).rows;
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const checkpoint of checkpoints) {
      const body = Buffer.from(await (await fetch(`${api.url}/artifacts/${checkpoint.sha256}`, { headers: { authorization: `Bearer ${api.tokens.reader}` } })).arrayBuffer());
      expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(checkpoint.sha256);
    }
    expect((await putUnderJob(blob, sha)).status).toBe(201);
    report.diskFullOutcome = { refusalsLogged: refusals, checkpointsStored: checkpoints.length, secondsToCompleteAfterFreeing: (Date.now() - freedAt) / 1000, jobStatus: done.status, attempts: done.attempts };
  });
});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Mounts a 32 MiB tmpfs on `dir` (root only); false where that is not permitted. */
function tryMountTinyTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0755', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  cleanups.push(() => void execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
  return true;
}

/** Writes a filler file until the filesystem refuses (ENOSPC); free() deletes it. */
function fillDisk(dir: string): { filler: string; free(): void } {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (let i = 0; i < 10_000; i++) {
        try {
          if (fs.writeSync(fd, chunk) < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { filler, free: () => fs.rmSync(filler, { force: true }) };
}

type Store = StartedApi['api']['services']['artifacts'];

/** The API's store, with writes failing as on a full disk until free(). */
function injectFullDisk(t: StartedApi): { filler: string; free(): void } {
  const inner: Store = t.api.services.artifacts;
  let full = true;
  const store: Store = {
    location: inner.location,
    has: (sha256) => inner.has(sha256),
    get: (sha256) => inner.get(sha256),
    remove: (sha256) => inner.remove(sha256),
    put: async (sha256, body, maxBytes) => {
      if (!full) return inner.put(sha256, body, maxBytes);
      body.resume();
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
    },
  };
  t.api.services.artifacts = store;
  return { filler: '', free: () => (full = false) };
}
