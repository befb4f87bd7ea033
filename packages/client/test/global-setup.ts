// One PostgreSQL server for the whole session (unless DATABASE_URL points at one already), and a
// compiled CLI: the CLI tests run `node dist/cli/index.js` as a child process, so dist must match
// src. turbo builds first; a bare `npx vitest run` recompiles here when src is newer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '@stratum/db/testing';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const entry = path.join(root, 'dist', 'cli', 'index.js');
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  if (built >= newestMtime(path.join(root, 'src'))) return;
  const tsc = path.join(root, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  fs.utimesSync(entry, new Date(), new Date());
}

export default async function setup(): Promise<() => Promise<void>> {
  ensureBuilt();
  return startTestServer();
}
