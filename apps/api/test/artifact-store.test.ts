// The ArtifactStore contract, run against the local store and against the S3 store talking to
// an in-memory bucket (no network); then the S3 store's own logic: key naming, the checksum it
// sends, and that nothing unverified ever reaches the bucket.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ArtifactStore } from '../src/common/artifact-store.js';
import { DirectoryArtifactStore } from '../src/artifact/directory-artifact-store.js';
import { checksumOf, normalisePrefix, S3ArtifactStore, s3KeyFor, type S3Sender } from '../src/artifact/s3-artifact-store.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-store-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const chunks = (bytes: Buffer, size = 1000) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** An S3 bucket in memory, speaking the three commands the store sends; verifies checksums as S3 does. */
class MemoryBucket implements S3Sender {
  readonly objects = new Map<string, Buffer>();
  readonly sent: Array<{ name: string; input: Record<string, unknown> }> = [];

  async send(command: HeadObjectCommand | PutObjectCommand | GetObjectCommand): Promise<unknown> {
    const input = command.input as unknown as Record<string, unknown> & { Bucket: string; Key: string };
    this.sent.push({ name: command.constructor.name, input });
    const key = `${input.Bucket}/${input.Key}`;
    const notFound = () => Object.assign(new Error('not found'), { name: command instanceof HeadObjectCommand ? 'NotFound' : 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    if (command instanceof HeadObjectCommand) {
      const found = this.objects.get(key);
      if (!found) throw notFound();
      return { ContentLength: found.length };
    }
    if (command instanceof GetObjectCommand) {
      const found = this.objects.get(key);
      if (!found) throw notFound();
      return { Body: Readable.from([found]), ContentLength: found.length };
    }
    // The store sends a Buffer (retries resend it); S3 takes streams too.
    const body = Buffer.isBuffer(input.Body) ? input.Body : await readAll(input.Body as Readable);
    if (body.length !== input.ContentLength) throw new Error('ContentLength mismatch');
    if (crypto.createHash('sha256').update(body).digest('base64') !== input.ChecksumSHA256) throw Object.assign(new Error('BadDigest'), { name: 'BadDigest' });
    this.objects.set(key, body);
    return {};
  }
}

const stores: Array<[string, () => ArtifactStore]> = [
  ['local directory', () => new DirectoryArtifactStore(fs.mkdtempSync(path.join(scratch, 'local-')))],
  ['S3 (in-memory bucket)', () => new S3ArtifactStore({ bucket: 'b', prefix: 'artifacts/', region: 'us-east-1', client: new MemoryBucket(), stagingDir: fs.mkdtempSync(path.join(scratch, 'staging-')) })],
];

describe.each(stores)('ArtifactStore contract: %s', (_name, make) => {
  it('stores verified bytes under their sha256 and reads them back', async () => {
    const store = make();
    const bytes = crypto.randomBytes(5000);
    expect(await store.has(sha(bytes))).toBeNull();
    const put = await store.put(sha(bytes), chunks(bytes), 10_000);
    expect(put).toMatchObject({ sha256: sha(bytes), bytes: 5000, created: true });
    expect(await store.has(sha(bytes))).toMatchObject({ sha256: sha(bytes), bytes: 5000, uri: put.uri });
    const got = await store.get(sha(bytes));
    expect(got?.bytes).toBe(5000);
    expect((await readAll(got!.body)).equals(bytes)).toBe(true);
    expect(await store.get(sha(Buffer.from('absent')))).toBeNull();
  });

  it('treats a second put of the same name as already stored', async () => {
    const store = make();
    const bytes = crypto.randomBytes(100);
    await store.put(sha(bytes), chunks(bytes), 1000);
    expect(await store.put(sha(bytes), chunks(bytes), 1000)).toMatchObject({ created: false, bytes: 100 });
  });

  it('refuses bytes that do not hash to their name, and oversize bodies; neither becomes visible', async () => {
    const store = make();
    const bytes = crypto.randomBytes(3000);
    const claimed = sha(Buffer.from('other'));
    await expect(store.put(claimed, chunks(bytes), 10_000)).rejects.toMatchObject({ status: 400, message: `content sha256 is ${sha(bytes)}, not ${claimed} as named` });
    expect(await store.has(claimed)).toBeNull();
    await expect(store.put(sha(bytes), chunks(bytes), 2999)).rejects.toMatchObject({ status: 413 });
    expect(await store.has(sha(bytes))).toBeNull();
    expect((await store.put(sha(bytes), chunks(bytes), 3000)).created).toBe(true); // the limit is inclusive
  });
});

describe('DirectoryArtifactStore specifics', () => {
  it('leaves no partial file behind, however a refused upload was cut', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'partial-'));
    const store = new DirectoryArtifactStore(dir);
    for (let i = 0; i < 150; i++) { // the old race left a file in roughly 1 of 15 refusals
      const bytes = crypto.randomBytes(3000);
      // refused on the second or third chunk (size), or at the end (digest)
      await expect(store.put(sha(bytes), chunks(bytes), 1000 + (i % 3) * 700)).rejects.toMatchObject({ status: 413 });
      await expect(store.put('e'.repeat(64), chunks(bytes), 10_000)).rejects.toMatchObject({ status: 400 });
    }
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toEqual([]);
  });
});

describe('S3ArtifactStore specifics', () => {
  it('names keys <prefix><sha[0:2]>/<sha>, whatever slashes the prefix was given with', () => {
    const name = 'ab'.repeat(32);
    expect(s3KeyFor('artifacts/', name)).toBe(`artifacts/ab/${name}`);
    expect(s3KeyFor('artifacts', name)).toBe(`artifacts/ab/${name}`);
    expect(s3KeyFor('/team/ckpt/', name)).toBe(`team/ckpt/ab/${name}`);
    expect(s3KeyFor('', name)).toBe(`ab/${name}`);
    expect(normalisePrefix('x')).toBe('x/');
  });

  it('sends the SHA-256 checksum S3 verifies (base64 of the raw digest) and the exact length', async () => {
    const bucket = new MemoryBucket();
    const stagingDir = fs.mkdtempSync(path.join(scratch, 'staging-'));
    const store = new S3ArtifactStore({ bucket: 'ckpts', prefix: 'p', region: 'eu-west-1', client: bucket, stagingDir });
    const bytes = crypto.randomBytes(4321);
    const put = await store.put(sha(bytes), chunks(bytes), 10_000);
    expect(put.uri).toBe(`s3://ckpts/p/${sha(bytes).slice(0, 2)}/${sha(bytes)}`);
    expect(store.location).toBe('s3://ckpts/p/');
    const upload = bucket.sent.find((c) => c.name === 'PutObjectCommand')!;
    expect(upload.input).toMatchObject({ Bucket: 'ckpts', Key: `p/${sha(bytes).slice(0, 2)}/${sha(bytes)}`, ContentLength: 4321, ChecksumSHA256: crypto.createHash('sha256').update(bytes).digest('base64') });
    expect(checksumOf(sha(bytes))).toBe(crypto.createHash('sha256').update(bytes).digest('base64'));
    expect(fs.readdirSync(stagingDir)).toEqual([]); // the staged copy is gone
  });

  it('never sends a body it could not verify, and leaves no staged copy behind', async () => {
    const bucket = new MemoryBucket();
    const stagingDir = fs.mkdtempSync(path.join(scratch, 'staging-'));
    const store = new S3ArtifactStore({ bucket: 'b', prefix: '', region: 'us-east-1', client: bucket, stagingDir });
    const bytes = crypto.randomBytes(2000);
    await expect(store.put('f'.repeat(64), chunks(bytes), 10_000)).rejects.toMatchObject({ status: 400 });
    await expect(store.put(sha(bytes), chunks(bytes), 1999)).rejects.toMatchObject({ status: 413 });
    expect(bucket.sent.filter((c) => c.name === 'PutObjectCommand')).toEqual([]);
    expect(fs.readdirSync(stagingDir)).toEqual([]);
  });

  it('propagates errors other than not-found from the bucket', async () => {
    const failing: S3Sender = { send: async () => { throw Object.assign(new Error('AccessDenied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }); } };
    const store = new S3ArtifactStore({ bucket: 'b', prefix: '', region: 'us-east-1', client: failing });
    await expect(store.has('a'.repeat(64))).rejects.toThrow('AccessDenied');
  });
});
