// Stream an upload into a temp file while hashing and counting: the first half of every store's
// put. Nothing is kept unless the digest matches the name and the size is within bounds, and a
// refused upload leaves no partial file behind (the file is opened before any byte flows, and
// removed only once its stream has closed).
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from './artifact-error.js';

export interface StagedUpload {
  file: string;
  bytes: number;
  remove(): Promise<void>;
}

/** The ENOSPC the client sees: a 507 it can act on (retry later), not an internal error. */
export const OUT_OF_SPACE = 'artifact store is out of disk space; retry later';

export async function stageVerified(body: Readable, sha256: string, maxBytes: number, dir: string): Promise<StagedUpload> {
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
  let out: fs.WriteStream | undefined;
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    const handle = await fs.promises.open(file, 'wx');
    out = handle.createWriteStream();
    await pipeline(body, meter, out);
    const digest = hash.digest('hex');
    if (digest !== sha256) throw new ArtifactError(`content sha256 is ${digest}, not ${sha256} as named`, 400);
    return { file, bytes, remove };
  } catch (error) {
    if (out && !out.closed) await once(out, 'close').catch(() => undefined);
    await remove();
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ArtifactError(OUT_OF_SPACE, 507);
    throw error;
  }
}
