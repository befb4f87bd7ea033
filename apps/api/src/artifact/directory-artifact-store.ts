// Artifacts in a local directory: <dir>/<sha[0:2]>/<sha> (the layout of the foundation's
// former LocalArtifactStore, so existing directories keep working). Uploads are staged next to their
// final place while being verified, then renamed in atomically; a refused or failed upload
// leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { ArtifactInfo, ArtifactStore } from '../common/artifact-store.js';
import { ArtifactError } from './artifact-error.js';
import { OUT_OF_SPACE, stageVerified } from './staged-upload.js';

export class DirectoryArtifactStore implements ArtifactStore {
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
      return stat.isFile() ? { sha256, bytes: stat.size, uri: pathToFileURL(this.file(sha256)).toString() } : null;
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
    const staged = await stageVerified(body, sha256, maxBytes, path.dirname(target));
    try {
      await fs.promises.rename(staged.file, target);
    } catch (error) {
      await staged.remove();
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ArtifactError(OUT_OF_SPACE, 507);
      throw error;
    }
    return { sha256, bytes: staged.bytes, uri: pathToFileURL(target).toString(), created: true };
  }

  async get(sha256: string): Promise<{ body: Readable; bytes: number } | null> {
    const info = await this.has(sha256);
    if (!info) return null;
    return { body: fs.createReadStream(this.file(sha256)), bytes: info.bytes };
  }

  async remove(sha256: string): Promise<boolean> {
    try {
      await fs.promises.unlink(this.file(sha256));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
