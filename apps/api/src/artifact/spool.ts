// Stream an upload into a temp file while hashing and counting: the common first half of any
// store's put. Nothing is kept unless the digest matches the name and the size is within bounds.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from '../common/local-artifact-store.js';

export interface Spooled {
  file: string;
  bytes: number;
  remove(): Promise<void>;
}

export async function spoolVerified(body: Readable, sha256: string, maxBytes: number, dir: string): Promise<Spooled> {
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${sha256}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.part`);
  const remove = () => fs.promises.rm(file, { force: true });
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
    await pipeline(body, meter, fs.createWriteStream(file, { flags: 'wx' }));
    const digest = hash.digest('hex');
    if (digest !== sha256) throw new ArtifactError(`content sha256 is ${digest}, not ${sha256} as named`, 400);
    return { file, bytes, remove };
  } catch (error) {
    await remove();
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ArtifactError('artifact spool is out of disk space; retry later', 507);
    throw error;
  }
}
