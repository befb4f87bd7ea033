#!/usr/bin/env node
// `stratum-demo`. npm links a package's bin only when its target exists at install time, and dist/
// does not exist in a fresh clone, so the bin is this committed shim running the compiled
// program (dist/cli.js, also runnable directly with node).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratum-demo: not built yet; run `npm run build` at the repository root\n');
  process.exit(2);
}
await import(entry.href);
