// Content-addressed artifact storage (checkpoints): objects are named by their sha256, so a
// re-upload of the same bytes is free and a corrupted upload can never shadow a good one.
import type { Readable } from 'node:stream';

export interface ArtifactInfo {
  sha256: string;
  bytes: number;
  uri: string;
}

export interface ArtifactStore {
  /** Where this store lives, for logs and URIs (file:///…, s3://bucket/prefix). */
  readonly location: string;
  has(sha256: string): Promise<ArtifactInfo | null>;
  /**
   * Stream `body` in, verifying that its sha256 equals `sha256` and that it is at most
   * `maxBytes`; nothing is visible under that name unless both hold.
   */
  put(sha256: string, body: Readable, maxBytes: number): Promise<ArtifactInfo & { created: boolean }>;
  get(sha256: string): Promise<{ body: Readable; bytes: number } | null>;
  /** Deletes the object; true when it was there. */
  remove(sha256: string): Promise<boolean>;
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
