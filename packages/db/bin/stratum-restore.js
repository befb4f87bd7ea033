#!/usr/bin/env node
// `stratum-restore`. npm links a package's bin only when its target exists at install time, and dist/
// does not exist in a fresh clone, so the bin is this committed shim running the compiled
// program (dist/cli/restore.js, also runnable directly with node).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/restore.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratum-restore: not built yet; run `npm run build` at the repository root\n');
  process.exit(2);
}
await import(entry.href);
