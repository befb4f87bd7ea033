// This host's artifact cache (checkpoints by sha256, under the work dir): what a job resumes or
// compares from is looked up here first, else downloaded and verified.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AgentProtocol } from '../protocol/operations.js';

export function artifactDir(workDir: string): string {
  return path.join(workDir, 'artifacts');
}

export function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A local copy of an artifact: from this host's cache, else downloaded and verified. */
export async function fetchArtifact(sha256: string, workDir: string, protocol: AgentProtocol, signal: AbortSignal): Promise<string> {
  const dir = artifactDir(workDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, sha256);
  if (fs.existsSync(file) && sha256File(file) === sha256) return file;
  await protocol.client.getArtifact(sha256, file, { attempts: Infinity, signal });
  const actual = sha256File(file);
  if (actual !== sha256) {
    fs.rmSync(file, { force: true });
    throw new Error(`checkpoint ${sha256} downloaded with a different sha256 (${actual})`);
  }
  return file;
}

/** Moves a checkpoint file into this host's artifact cache, so that a re-claim here skips the download. */
export function cacheArtifact(workDir: string, file: string, sha256: string): void {
  const cache = artifactDir(workDir);
  fs.mkdirSync(cache, { recursive: true });
  fs.renameSync(file, path.join(cache, sha256));
}
