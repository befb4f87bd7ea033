// The artifact store of an installation that keeps artifacts in S3 (S3_BUCKET / S3_ENDPOINT, as
// the API uses them): backup copies every object under the prefix into a directory laid out like
// the local store (<sha[0:2]>/<sha>), restore uploads such a directory back, so a backup moves
// between the two kinds of store. Credentials come from the AWS SDK's usual chain.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface S3Location {
  bucket: string;
  endpoint?: string | undefined;
  region: string;
  prefix: string;
}

/** The S3 store from --s3-* flags, else the API's S3_* variables; null when no bucket is named. */
export function s3LocationOf(flags: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env): S3Location | null {
  const bucket = (flags['s3-bucket'] as string | undefined) ?? env.S3_BUCKET;
  if (!bucket) return null;
  const prefix = (flags['s3-prefix'] as string | undefined) ?? env.S3_PREFIX ?? 'artifacts/';
  return {
    bucket,
    endpoint: (flags['s3-endpoint'] as string | undefined) ?? env.S3_ENDPOINT,
    region: (flags['s3-region'] as string | undefined) ?? env.S3_REGION ?? 'us-east-1',
    prefix: prefix === '' || prefix.endsWith('/') ? prefix.replace(/^\/+/, '') : `${prefix.replace(/^\/+/, '')}/`,
  };
}

export const S3_FLAGS = { 's3-bucket': { type: 'string' }, 's3-endpoint': { type: 'string' }, 's3-region': { type: 'string' }, 's3-prefix': { type: 'string' } } as const;

function clientFor(s3: S3Location): S3Client {
  return new S3Client({ region: s3.region, maxAttempts: 5, ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}) });
}

/** Downloads every object under the prefix into `dir` (keys relative to the prefix); returns the count. */
export async function downloadArtifacts(s3: S3Location, dir: string): Promise<number> {
  const client = clientFor(s3);
  let count = 0;
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: s3.bucket, Prefix: s3.prefix })) {
      for (const object of page.Contents ?? []) {
        const relative = object.Key!.slice(s3.prefix.length);
        if (!relative || relative.split('/').includes('..')) continue;
        const file = path.join(dir, relative);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: object.Key! }));
        await pipeline(got.Body as Readable, fs.createWriteStream(file));
        count++;
      }
    }
  } finally {
    client.destroy();
  }
  return count;
}

/** Uploads every file under `dir` to the prefix (multipart when large); returns the count. */
export async function uploadArtifacts(dir: string, s3: S3Location): Promise<number> {
  const client = clientFor(s3);
  let count = 0;
  try {
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const key = s3.prefix + path.relative(dir, file).split(path.sep).join('/');
      await new Upload({ client, params: { Bucket: s3.bucket, Key: key, Body: fs.createReadStream(file), ContentType: 'application/octet-stream' } }).done();
      count++;
    }
  } finally {
    client.destroy();
  }
  return count;
}
