#!/usr/bin/env node
// Entry point of the `stratum` CLI (node dist/cli/index.js …, or the bin shim).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isClosedOutput, run } from './program.js';

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  // A reader that closes the pipe early (`stratum runs ls | head -1`) makes later writes fail
  // with EPIPE, reported as an 'error' event: end at once and quietly, as SIGPIPE would.
  process.stdout.on('error', (error) => {
    if (isClosedOutput(error)) process.exit(0);
    throw error;
  });
  return run(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
}

/** True when node was started on this file (directly or through a symlink), not when imported. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntry()) process.exitCode = await main();
