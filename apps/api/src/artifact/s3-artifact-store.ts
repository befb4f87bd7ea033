// Artifacts in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …) under
// <prefix><sha[0:2]>/<sha>. An upload is staged in a local temp file while hashing, so a body
// whose digest does not match its name never reaches the bucket. Up to one part size it goes up
// in one PutObject carrying the SHA-256 checksum, so the store verifies the bytes it received too;
// above it, as a multipart upload (@aws-sdk/lib-storage) with a SHA-256 checksum per part, aborted
// when it fails. Bodies are sent from memory (a part at a time), so the SDK's retries of a 5xx or a
// timeout resend the same bytes. Credentials come from the AWS SDK's usual chain
// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactInfo, ArtifactStore } from '../common/artifact-store.js';
import { stageVerified } from './staged-upload.js';

/** The part of S3Client this store uses (a fake in unit tests). */
export interface S3Sender {
  send(command: HeadObjectCommand | PutObjectCommand | GetObjectCommand | DeleteObjectCommand): Promise<unknown>;
}

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix, e.g. "artifacts/" (a trailing slash is added when missing; "" for the bucket root). */
  prefix: string;
  region: string;
  /** For S3-compatible services; implies path-style addressing. */
  endpoint?: string | undefined;
  /** Where uploads are staged while being verified (default: the OS temp dir). */
  stagingDir?: string;
  /** Bodies above this go up as multipart uploads in parts of this size (default 8 MiB, S3's minimum 5 MiB). */
  partSize?: number;
  /** Attempts per request, for the SDK's standard retry strategy (default 5). */
  maxAttempts?: number;
  /** A real S3Client, or a fake for unit tests (which then cannot take multipart uploads). */
  client?: S3Client | S3Sender;
}

export const DEFAULT_PART_SIZE = 8 * 1024 ** 2;

export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** The object key of an artifact: fanned out by the first two hex digits, like the local store. */
export function s3KeyFor(prefix: string, sha256: string): string {
  return `${normalisePrefix(prefix)}${sha256.slice(0, 2)}/${sha256}`;
}

/** S3's x-amz-checksum-sha256 is the base64 of the raw digest; our names are hex. */
export function checksumOf(sha256: string): string {
  return Buffer.from(sha256, 'hex').toString('base64');
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly client: S3Client | S3Sender;
  private readonly stagingDir: string;
  private readonly partSize: number;

  constructor(private readonly options: S3StoreOptions) {
    this.location = `s3://${options.bucket}/${normalisePrefix(options.prefix)}`;
    this.stagingDir = options.stagingDir ?? path.join(os.tmpdir(), 'stratum-artifact-staging');
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.client = options.client ?? new S3Client({
      region: options.region,
      maxAttempts: options.maxAttempts ?? 5,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    });
  }

  private key(sha256: string): string {
    return s3KeyFor(this.options.prefix, sha256);
  }

  uriOf(sha256: string): string {
    return `s3://${this.options.bucket}/${this.key(sha256)}`;
  }

  async has(sha256: string): Promise<ArtifactInfo | null> {
    try {
      const head = (await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }))) as { ContentLength?: number };
      return { sha256, bytes: head.ContentLength ?? 0, uri: this.uriOf(sha256) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async put(sha256: string, body: Readable, maxBytes: number): Promise<ArtifactInfo & { created: boolean }> {
    const existing = await this.has(sha256);
    if (existing) {
      body.resume(); // content-addressed: the same name is the same bytes
      return { ...existing, created: false };
    }
    const staged = await stageVerified(body, sha256, maxBytes, this.stagingDir);
    try {
      if (staged.bytes > this.partSize) await this.putMultipart(sha256, staged.file);
      else {
        await this.client.send(new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(sha256),
          Body: await fs.promises.readFile(staged.file),
          ContentLength: staged.bytes,
          ContentType: 'application/octet-stream',
          ChecksumSHA256: checksumOf(sha256),
        }));
      }
      return { sha256, bytes: staged.bytes, uri: this.uriOf(sha256), created: true };
    } finally {
      await staged.remove();
    }
  }

  /** Parts of partSize, two in flight, each with its SHA-256; the upload is aborted if one fails for good. */
  private async putMultipart(sha256: string, file: string): Promise<void> {
    if (!(this.client instanceof S3Client)) throw new Error(`a ${this.partSize}-byte multipart upload needs a real S3Client`);
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
      params: { Bucket: this.options.bucket, Key: this.key(sha256), Body: fs.createReadStream(file, { highWaterMark: 1024 ** 2 }), ContentType: 'application/octet-stream', ChecksumAlgorithm: 'SHA256' },
    });
    await upload.done();
  }

  async get(sha256: string): Promise<{ body: Readable; bytes: number } | null> {
    try {
      const object = (await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }))) as { Body?: Readable; ContentLength?: number };
      if (!object.Body) return null;
      return { body: object.Body, bytes: object.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async remove(sha256: string): Promise<boolean> {
    if (!(await this.has(sha256))) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
    return true;
  }
}
