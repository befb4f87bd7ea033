// Artifacts in a local directory: <dir>/<sha[0:2]>/<sha>. Uploads stream to a temp file while
// hashing, and are renamed into place only when the digest and size check out.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { ArtifactInfo, ArtifactStore } from './artifact-store.js';

export class ArtifactError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export class LocalArtifactStore implements ArtifactStore {
  readonly location: string;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.location = pathToFileURL(path.resolve(dir)).toString();
  }

  private file(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<ArtifactInfo | null> {
    try {
      const stat = await fs.promises.stat(this.file(sha256));
      return { sha256, bytes: stat.size, uri: pathToFileURL(this.file(sha256)).toString() };
    } catch {
      return null;
    }
  }

  async put(sha256: string, body: Readable, maxBytes: number): Promise<ArtifactInfo & { created: boolean }> {
    const existing = await this.has(sha256);
    if (existing) {
      body.resume(); // content-addressed: the same name is the same bytes
      return { ...existing, created: false };
    }
    const target = this.file(sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`;
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > maxBytes) return callback(new ArtifactError(`artifact exceeds the limit of ${maxBytes} bytes`, 413));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, fs.createWriteStream(temp, { flags: 'wx' }));
      const digest = hash.digest('hex');
      if (digest !== sha256) throw new ArtifactError(`content sha256 is ${digest}, not ${sha256} as named`, 400);
      await fs.promises.rename(temp, target);
      return { sha256, bytes, uri: pathToFileURL(target).toString(), created: true };
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ArtifactError('artifact store is out of disk space; retry later', 507);
      throw error;
    }
  }

  async get(sha256: string): Promise<{ body: Readable; bytes: number } | null> {
    const info = await this.has(sha256);
    if (!info) return null;
    return { body: fs.createReadStream(this.file(sha256)), bytes: info.bytes };
  }
}
