// PUT/GET/HEAD /artifacts/<sha256>: roles, streaming upload verified against the name, size
// limit, idempotent re-upload, and a clear 507 when the store's disk is full.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import express from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { artifactRouter } from '../src/artifact/artifact.router.js';
import { DirectoryArtifactStore } from '../src/artifact/directory-artifact-store.js';
import { claim, registerTestAgent, seedJobs, type Claimed } from './agent-fixtures.js';

const LIMIT = 64 * 1024;
let t: TestApi;
/** Uploads are made under a held job: the agent token's claim (ADMIN may name it too). */
let agentToken: string;
let held: Claimed;
beforeAll(async () => {
  t = await startTestApi({ ARTIFACT_MAX_BYTES: String(LIMIT), REAPER_INTERVAL_MS: '3600000' });
  const agent = await registerTestAgent(t);
  await seedJobs(t);
  agentToken = agent.token;
  held = (await claim(t, agent))!;
});
afterAll(async () => { await t.close(); });

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** PUT under the held job: a Buffer with its Content-Length, or chunks streamed without one. */
async function put(name: string, body: Buffer | Buffer[], token: string | null, app: express.Express = t.api.app) {
  const request = supertest(app).put(`/artifacts/${name}`).set({
    'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}),
    'x-stratum-job': held.jobId, 'x-stratum-fencing-token': held.fencingToken,
  });
  if (!Array.isArray(body)) return request.send(body);
  for (const chunk of body) request.write(chunk);
  return request;
}

/** GET or HEAD with a token, the body kept as bytes. */
const download = (name: string, token: string | null, method: 'get' | 'head' = 'get') => {
  const request = t.http[method](`/artifacts/${name}`).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return token ? request.set('authorization', `Bearer ${token}`) : request;
};

/** Files under the artifact directory (no stray partial uploads allowed). */
function storedFiles(): string[] {
  const dir = path.join(t.dataDir, 'artifacts');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

describe('artifacts over HTTP', () => {
  it('uploads as an agent (streamed in chunks), downloads as a reader, byte for byte', async () => {
    const bytes = crypto.randomBytes(40_000);
    const response = await put(sha(bytes), [bytes.subarray(0, 10_000), bytes.subarray(10_000, 25_000), bytes.subarray(25_000)], agentToken);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ sha256: sha(bytes), bytes: bytes.length, created: true, uri: expect.stringMatching(/^file:\/\//) });
    for (const role of ['reader', 'writer', 'admin', 'agent'] as const) {
      const get = await download(sha(bytes), t.tokens[role]);
      expect(get.status).toBe(200);
      expect(get.headers.etag).toBe(`"${sha(bytes)}"`);
      expect((get.body as Buffer).equals(bytes)).toBe(true);
    }
    const head = await download(sha(bytes), agentToken, 'head');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
  });

  it('re-uploading the same bytes is free and idempotent', async () => {
    const bytes = crypto.randomBytes(1000);
    expect((await put(sha(bytes), bytes, agentToken)).status).toBe(201);
    const before = storedFiles().length;
    const again = await put(sha(bytes), bytes, agentToken);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, bytes: 1000 });
    expect(storedFiles().length).toBe(before);
  });

  it('refuses bytes that do not match their name, storing nothing', async () => {
    const bytes = crypto.randomBytes(2000);
    const wrongName = sha(Buffer.from('something else'));
    const response = await put(wrongName, bytes, agentToken);
    expect(response.status).toBe(400);
    const body = response.body as { error: { code: string; message: string } };
    expect(body.error.message).toBe(`content sha256 is ${sha(bytes)}, not ${wrongName} as named`);
    expect((await download(wrongName, t.tokens.reader)).status).toBe(404);
    expect(storedFiles().some((f) => f.endsWith('.part'))).toBe(false);
    const badName = await put('not-a-hash', bytes, agentToken);
    expect(badName.status).toBe(400);
  });

  it('enforces ARTIFACT_MAX_BYTES, declared or streamed, keeping nothing', async () => {
    const big = crypto.randomBytes(LIMIT + 1);
    const declared = await put(sha(big), big, agentToken);
    expect(declared.status).toBe(413);
    expect((declared.body as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    // Without a Content-Length (chunked), the limit trips while streaming.
    const streamed = await put(sha(big), [big.subarray(0, LIMIT / 2), big.subarray(LIMIT / 2)], agentToken);
    expect(streamed.status).toBe(413);
    expect((streamed.body as { error: { message: string } }).error.message).toMatch(`exceeds the limit of ${LIMIT} bytes`);
    expect((await download(sha(big), t.tokens.reader)).status).toBe(404);
    expect(storedFiles().some((f) => f.startsWith(sha(big)))).toBe(false);
    const exact = crypto.randomBytes(LIMIT);
    expect((await put(sha(exact), exact, agentToken)).status).toBe(201);
  });

  it('checks roles: uploads need AGENT or ADMIN, downloads any token; none → 401', async () => {
    const bytes = crypto.randomBytes(100);
    for (const role of ['reader', 'writer'] as const) {
      const response = await put(sha(bytes), bytes, t.tokens[role]);
      expect(response.status).toBe(403);
      expect((response.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect((await put(sha(bytes), bytes, null)).status).toBe(401);
    expect((await put(sha(bytes), bytes, 'stm_unknown')).status).toBe(401);
    expect((await put(sha(bytes), bytes, t.tokens.admin)).status).toBe(201);
    expect((await download(sha(bytes), null)).status).toBe(401);
    expect((await download('0'.repeat(64), t.tokens.reader)).status).toBe(404);
  });

  it('answers 507 with a clear message when the store runs out of disk', async () => {
    // A store whose disk fills mid-write: ENOSPC, exactly as fs reports it.
    class FullDisk extends DirectoryArtifactStore {
      override async put(_sha256: string, body: Readable): Promise<never> {
        for await (const chunk of body) void chunk; // the write got this far…
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      }
    }
    const app = express();
    app.use('/artifacts', artifactRouter({ ...t.api.services, artifacts: new FullDisk(path.join(t.dataDir, 'full')) }));
    const bytes = crypto.randomBytes(500);
    const response = await put(sha(bytes), bytes, agentToken, app);
    expect(response.status).toBe(507);
    expect(response.body).toEqual({ error: { code: 'INSUFFICIENT_STORAGE', message: 'artifact store is out of disk space; retry later' } });
  });
});
