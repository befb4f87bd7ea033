#!/usr/bin/env node
// The `stratum` command. npm creates a package's bin link only when its target exists at install
// time, and dist/ does not exist in a fresh clone, so the bin is this committed shim, which runs
// the compiled CLI (dist/cli/index.js, also runnable directly with node).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratum: the CLI is not built yet; run `npm run build -w @stratum/client` (or `npx turbo run build --filter=@stratum/client`)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
