#!/usr/bin/env node
// `stratum-partition-metrics`. npm links a package's bin only when its target exists at install time, and dist/
// does not exist in a fresh clone, so the bin is this committed shim running the compiled
// program (dist/cli/partition-metrics.js, also runnable directly with node).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/partition-metrics.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratum-partition-metrics: not built yet; run `npm run build` at the repository root\n');
  process.exit(2);
}
await import(entry.href);
