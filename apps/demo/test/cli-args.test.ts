// The demo's command line: --help prints the options, and a mistyped option or a bad number is
// refused before anything starts, with a message naming it and the usage (exit code 2).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const demo = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('demo command line', () => {
  it('prints its options with --help and exits 0', () => {
    const result = demo('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/usage: npm run demo/);
    for (const option of ['--quick', '--exit', '--data-dir', '--port', '--web-port', '--no-web', '--max-jobs']) expect(result.stdout).toContain(option);
  });

  it('refuses an unknown option, naming it', () => {
    const result = demo('--quik');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--quik'/);
    expect(result.stderr).toMatch(/usage: npm run demo/);
  });

  it('refuses a port or job count that is not a whole number, naming the option and the value', () => {
    const jobs = demo('--max-jobs', '0');
    expect(jobs.status).toBe(2);
    expect(jobs.stderr).toContain('--max-jobs must be a whole number of at least 1, got "0"');
    const port = demo('--port', '80a');
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port must be a whole number (a port, 0–65535), got "80a"');
  });

  it('refuses a PORT in the environment that is not a port, naming the variable, unless --port overrides it', () => {
    const withPort = (PORT: string, ...args: string[]) =>
      spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PORT } });
    // --max-jobs 0 is refused after PORT: were PORT not checked, that would be the error (and nothing starts).
    const bad = withPort('4000x', '--max-jobs', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('PORT must be a whole number (a port, 0–65535), got "4000x"');
    // --port given: PORT is not read, and the flag's own error is the one reported.
    const overridden = withPort('4000x', '--port', 'x');
    expect(overridden.status).toBe(2);
    expect(overridden.stderr).toContain('--port must be a whole number');
    expect(overridden.stderr).not.toContain('PORT must be');
  });
});
