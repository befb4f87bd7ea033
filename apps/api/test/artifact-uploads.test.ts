// Issue 18 item 6: artifact uploads are bound to a job the uploader holds (fencing token), count
// against the job's project's quota (507 past it, 413 past the size limit), and blobs no
// checkpoint references are collected once every upload of them is older than the grace period.
import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { claim, REGISTER_CHECKPOINT, registerTestAgent, seedJobs, uploadArtifact, type Claimed, type TestAgent } from './agent-fixtures.js';
import { collectUnreferencedArtifacts } from '../src/artifact/collect.js';

const QUOTA = 100_000;
let t: TestApi;
let agent: TestAgent;
let held: Claimed;
beforeAll(async () => {
  t = await startTestApi({ ARTIFACT_PROJECT_QUOTA_BYTES: String(QUOTA), ARTIFACT_GC_GRACE_SECONDS: '3600', REAPER_INTERVAL_MS: '3600000' });
  agent = await registerTestAgent(t);
  await seedJobs(t);
  held = (await claim(t, agent))!;
});
afterAll(async () => { await t.close(); });

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const stored = async (name: string) => (await t.http.head(`/artifacts/${name}`).set('authorization', `Bearer ${t.tokens.reader}`)).status;

/** PUT `bytes` under its sha256: whole with its Content-Length, or as `chunks` without one. */
async function put(bytes: Buffer, token: string, headers: Record<string, string>, chunks?: Buffer[]) {
  const request = t.http.put(`/artifacts/${sha(bytes)}`).set({ authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers });
  if (!chunks) return request.send(bytes);
  for (const chunk of chunks) request.write(chunk);
  return request;
}

it('refuses an upload that names no job, or a job the agent does not hold, before reading it', async () => {
  const bytes = crypto.randomBytes(1000);
  const none = await put(bytes, agent.token, {});
  expect(none.status).toBe(400);
  expect((none.body as { error: { message: string } }).error.message).toMatch(/X-Stratum-Job/);

  // Another registered agent holds nothing: the first agent's job is not its to upload under.
  const other = await registerTestAgent(t);
  const foreign = await put(bytes, other.token, { 'x-stratum-job': held.jobId, 'x-stratum-fencing-token': held.fencingToken });
  expect(foreign.status).toBe(409);
  expect(foreign.body).toEqual({ error: { code: 'LEASE_LOST', message: expect.stringMatching(/does not hold the job/) } });
  // A stale fencing token, even from the holder.
  const stale = await put(bytes, agent.token, { 'x-stratum-job': held.jobId, 'x-stratum-fencing-token': String(Number(held.fencingToken) - 1) });
  expect(stale.status).toBe(409);
  // An unknown job.
  expect((await put(bytes, agent.token, { 'x-stratum-job': crypto.randomUUID(), 'x-stratum-fencing-token': '1' })).status).toBe(404);
  expect(await stored(sha(bytes))).toBe(404);
  expect((await t.api.services.pool.query('SELECT 1 FROM artifact_uploads WHERE sha256 = $1', [sha(bytes)])).rowCount).toBe(0);
});

it('counts uploads against the project quota: 507 past it, declared or streamed, storing nothing', async () => {
  const first = crypto.randomBytes(60_000);
  expect((await uploadArtifact(t, agent.token, first, held)).status).toBe(201);
  // The same bytes again do not count twice.
  expect((await uploadArtifact(t, agent.token, first, held)).status).toBe(200);

  const second = crypto.randomBytes(50_000);
  const declared = await uploadArtifact(t, agent.token, second, held);
  expect(declared.status).toBe(507);
  expect(declared.body).toEqual({ error: { code: 'INSUFFICIENT_STORAGE', message: expect.stringMatching(new RegExp(`has 60000 of its ${QUOTA} artifact bytes in use; this artifact needs 50000 more`)) } });
  // Chunked (no Content-Length): the quota's rest trips while streaming.
  const streamed = await put(second, agent.token, { 'x-stratum-job': held.jobId, 'x-stratum-fencing-token': held.fencingToken },
    [second.subarray(0, 25_000), second.subarray(25_000)]);
  expect(streamed.status).toBe(507);
  expect((streamed.body as { error: { message: string } }).error.message).toMatch(/larger than the 40000 bytes left of project .* artifact quota/);
  expect(await stored(sha(second))).toBe(404);
  // The refused uploads hold no quota: what still fits is accepted.
  const fits = crypto.randomBytes(40_000);
  expect((await uploadArtifact(t, agent.token, fits, held)).status).toBe(201);
  const { rows } = await t.api.services.pool.query<{ total: string }>('SELECT sum(bytes)::text AS total FROM artifact_uploads');
  expect(rows[0]!.total).toBe('100000');
});

it('collects unreferenced blobs once all their uploads are past the grace period, and keeps referenced or recent ones', async () => {
  await t.api.services.pool.query('DELETE FROM artifact_uploads'); // quota room for this test
  const [referenced, orphan, recent] = [crypto.randomBytes(5_000), crypto.randomBytes(6_000), crypto.randomBytes(7_000)];
  for (const bytes of [referenced, orphan, recent]) expect((await uploadArtifact(t, agent.token, bytes, held)).status).toBe(201);
  await t.ok(REGISTER_CHECKPOINT, { jobId: held.jobId, token: held.fencingToken, step: 10, sha256: sha(referenced), bytes: referenced.length }, { token: agent.token });
  await t.api.services.pool.query(`UPDATE artifact_uploads SET uploaded_at = now() - interval '2 hours' WHERE sha256 = ANY($1)`, [[sha(referenced), sha(orphan)]]);

  const pass = await collectUnreferencedArtifacts(t.api.services);
  expect(pass).toEqual({ removed: [sha(orphan)], forgotten: 0 });
  expect(await stored(sha(orphan))).toBe(404);
  expect(await stored(sha(referenced))).toBe(200);
  expect(await stored(sha(recent))).toBe(200);
  const rows = await t.api.services.pool.query<{ sha256: string }>('SELECT sha256 FROM artifact_uploads ORDER BY bytes');
  expect(rows.rows.map((r) => r.sha256)).toEqual([sha(referenced), sha(recent)]);
  // A second pass finds nothing more to do.
  expect(await collectUnreferencedArtifacts(t.api.services)).toEqual({ removed: [], forgotten: 0 });
});
