#!/usr/bin/env node
// Entry point of the `stratum` CLI (node dist/cli/index.js …, or the bin shim).
import { pathToFileURL } from 'node:url';
import { run } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  return run(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
