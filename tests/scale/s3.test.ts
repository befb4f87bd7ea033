// Artifacts over a real S3 protocol: s3rver (SigV4-checked HTTP) as the store of two API replicas
// behind HAProxy, used by agents the way the daemon uses it (ProtocolClient.putArtifact /
// getArtifact, under a held job with its fencing token, heartbeating meanwhile):
// a checkpoint above the part size goes up as a multipart upload; the same sha256 again is not
// stored twice; a store answering 503 for a while is retried and the job still succeeds; another
// agent resuming the run downloads the checkpoint; and stratum-backup/-restore round-trip it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProtocol, createLogger, ProtocolClient, type ClaimedJob, type Lease } from '@stratum/agent';
import { createDatabase } from '../support/pg-cluster.js';
import { seedRuns } from '../support/seed.js';
import { startS3, S3RVER_CREDENTIALS } from '../support/s3.js';
import { skipReason, startTopology, type Topology } from './topology.js';

// Asynchronously: s3rver runs in this process and must keep answering while the tools run.
const run = promisify(execFile);
const reason = skipReason();
const MiB = 1024 ** 2;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-scale-s3-'));
let t: Topology;

beforeAll(async () => {
  if (reason) return;
  t = await startTopology({ replicas: 2, s3: true, apiEnv: () => ({ S3_PART_SIZE: String(5 * MiB), S3_MAX_ATTEMPTS: '6' }) });
}, 240_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface TestAgent {
  protocol: AgentProtocol;
  client: ProtocolClient;
  logLines: string[];
  claimed: ClaimedJob;
  lease: Lease;
  /** Heartbeats every 500 ms until stopped; resolves with how many were answered. */
  heartbeating(): { stop(): Promise<number> };
}

async function agent(name: string): Promise<TestAgent> {
  const logLines: string[] = [];
  const log = createLogger('debug', { agent: name }, { write: (line: string) => void logLines.push(line) });
  const client = new ProtocolClient({ api: t.balancer.url, token: await t.token('AGENT', name), log, timeoutMs: 30_000, minDelayMs: 100, maxDelayMs: 1_000 });
  const protocol = new AgentProtocol(client);
  const { id } = await protocol.registerAgent({ name, host: 's3-host', devices: [], backends: ['cpu'], labels: {}, version: 'test' });
  const claimed = await protocol.claimJob(id, { backends: ['cpu'], devices: [], labels: {}, gpu: false });
  if (!claimed) throw new Error(`${name}: nothing to claim`);
  const lease = { jobId: claimed.jobId, fencingToken: claimed.fencingToken };
  return {
    protocol, client, logLines, claimed, lease,
    heartbeating: () => {
      let stopped = false;
      let beats = 0;
      const loop = (async () => {
        while (!stopped) {
          // As the daemon does: one attempt per beat; a lost one is made up by the next.
          if (await protocol.heartbeat(lease, { phase: 'checkpointing' }, 'cpu').then(() => true, () => false)) beats++;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      })();
      return { stop: async () => { stopped = true; await loop; return beats; } };
    },
  };
}

function blob(bytes: number, file: string): string {
  fs.writeFileSync(file, crypto.randomBytes(bytes));
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const objectFile = (directory: string, bucket: string, sha: string) => path.join(directory, bucket, 'artifacts', sha.slice(0, 2), `${sha}._S3rver_object`);

describe.skipIf(reason !== null)(`artifacts over S3 (${reason ?? 's3rver behind a 503-injecting proxy, 2 API replicas, HAProxy'})`, () => {
  let runId: string;
  let checkpointSha: string;

  it('uploads a checkpoint as multipart, once per sha256, through 503s, and another agent resumes from it', async () => {
    [{ runId }] = (await seedRuns(t.pool, 1, { prefix: 's3' })) as [{ runId: string; jobId: string }];
    const first = await agent('s3-agent-a');
    expect(first.claimed.runId).toBe(runId);
    const beats = first.heartbeating();

    // 12 MiB with 5 MiB parts: a multipart upload of 3 parts.
    const big = path.join(work, 'checkpoint-big.bin');
    checkpointSha = blob(12 * MiB, big);
    const stored = await first.client.putArtifact(checkpointSha, big, first.lease);
    expect(stored).toMatchObject({ sha256: checkpointSha, bytes: 12 * MiB, created: true });
    expect(stored!.uri).toBe(`s3://${t.s3!.bucket}/artifacts/${checkpointSha.slice(0, 2)}/${checkpointSha}`);
    expect(t.s3!.stats.multipartParts).toBe(3);
    expect(sha256Of(objectFile(t.s3!.directory, t.s3!.bucket, checkpointSha))).toBe(checkpointSha);

    // The same sha256 again: the agent's HEAD finds it (nothing sent), and a PUT anyway is 200, not stored twice.
    expect(await first.client.putArtifact(checkpointSha, big, first.lease)).toBeNull();
    const partsBefore = t.s3!.stats.multipartParts;
    const again = await fetch(`${t.balancer.url}/artifacts/${checkpointSha}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await t.token('ADMIN')}`, 'content-type': 'application/octet-stream', 'x-stratum-job': first.lease.jobId, 'x-stratum-fencing-token': first.lease.fencingToken },
      body: fs.readFileSync(big),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ sha256: checkpointSha, created: false });
    expect(t.s3!.stats.multipartParts).toBe(partsBefore);

    // The store answers 503 SlowDown to the next 4 requests: the API's S3 client retries (S3_MAX_ATTEMPTS),
    // the agent's upload succeeds without seeing an error.
    const small = path.join(work, 'checkpoint-small.bin');
    const smallSha = blob(3 * MiB, small);
    t.s3!.failNext(4);
    const slow = await first.client.putArtifact(smallSha, small, first.lease);
    expect(slow).toMatchObject({ sha256: smallSha, created: true });
    expect(t.s3!.stats.failed).toBe(4);
    expect(first.logLines.filter((l) => l.includes('API request failed; retrying'))).toEqual([]);
    // …and a multipart upload through 503s too.
    const big2 = path.join(work, 'checkpoint-big2.bin');
    const big2Sha = blob(11 * MiB, big2);
    t.s3!.failNext(3);
    expect(await first.client.putArtifact(big2Sha, big2, first.lease)).toMatchObject({ sha256: big2Sha, bytes: 11 * MiB, created: true });
    expect(t.s3!.stats.failed).toBe(7);
    expect(sha256Of(objectFile(t.s3!.directory, t.s3!.bucket, big2Sha))).toBe(big2Sha);

    await first.protocol.registerCheckpoint(first.lease, { step: 40, sha256: checkpointSha, bytes: 12 * MiB, uri: stored!.uri as string });
    expect(await beats.stop()).toBeGreaterThan(0);
    // The agent goes away mid-run (released, as on a drain); another agent resumes the run.
    await first.protocol.releaseJob(first.lease);

    const second = await agent('s3-agent-b');
    expect(second.claimed.runId).toBe(runId);
    expect(second.claimed.latestCheckpoint).toMatchObject({ step: 40, sha256: checkpointSha, bytes: 12 * MiB });
    const resumed = path.join(work, 'resumed.bin');
    await second.client.getArtifact(checkpointSha, resumed);
    expect(sha256Of(resumed)).toBe(checkpointSha);
    const done = await second.protocol.completeJob(second.lease, { resumedFrom: 40 });
    expect(done).toMatchObject({ status: 'SUCCEEDED', runStatus: 'SUCCEEDED' });
  });

  it('backs up and restores an installation whose artifacts are in S3', async () => {
    const backupDir = path.join(work, 'backup');
    const db = path.dirname(createRequire(import.meta.url).resolve('@stratum/db'));
    const env = { ...process.env, ...t.s3!.env() };
    await run(process.execPath, [path.join(db, 'cli', 'backup.js'), '--database-url', t.databaseUrl, '--out', backupDir], { env });

    // Into a fresh database and a fresh bucket on another S3 server.
    const target = await startS3('restored');
    try {
      const restoredUrl = await createDatabase(t.primary, 'restored');
      await run(process.execPath, [path.join(db, 'cli', 'restore.js'), '--from', backupDir, '--database-url', restoredUrl, '--s3-bucket', 'restored', '--s3-endpoint', target.endpoint], {
        env: { PATH: process.env.PATH ?? '', ...S3RVER_CREDENTIALS },
      });
      const { rows } = await t.pool.query<{ sha256: string; uri: string }>('SELECT sha256, uri FROM checkpoints WHERE run_id = $1', [runId]);
      expect(rows).toEqual([{ sha256: checkpointSha, uri: expect.stringContaining(checkpointSha) as string }]);
      const pg = await import('pg');
      const restored = new pg.default.Client({ connectionString: restoredUrl });
      await restored.connect();
      try {
        const back = await restored.query<{ sha256: string }>('SELECT sha256 FROM checkpoints WHERE run_id = $1', [runId]);
        expect(back.rows).toEqual([{ sha256: checkpointSha }]);
      } finally {
        await restored.end();
      }
      // Every object of the source bucket is in the restored one, byte for byte (3 uploads).
      const restoredObject = objectFile(target.directory, 'restored', checkpointSha);
      expect(sha256Of(restoredObject)).toBe(checkpointSha);
      const count = (dir: string) => fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('._S3rver_object')).length;
      expect(count(path.join(target.directory, 'restored'))).toBe(3);
      expect(count(path.join(t.s3!.directory, t.s3!.bucket))).toBe(3);
    } finally {
      await target.close();
    }
  });
});
