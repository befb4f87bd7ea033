#!/usr/bin/env node
// `stratum-migrate`. npm links a package's bin only when its target exists at install time, and dist/
// does not exist in a fresh clone, so the bin is this committed shim running the compiled
// program (dist/cli/migrate.js, also runnable directly with node).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/migrate.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratum-migrate: not built yet; run `npm run build` at the repository root\n');
  process.exit(2);
}
await import(entry.href);
