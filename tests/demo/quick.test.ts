// `npm run demo -- --quick` on a fresh data directory with no configuration: embedded
// PostgreSQL, the API, a real agent training real (tiny) runs, evaluations, and a summary table;
// exit 0 only when every run succeeded with its evaluations.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('the quick demo', () => {
  it('runs the three regimes end to end and exits 0 with a summary table', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-demo-'));
    fs.chmodSync(parent, 0o755); // as root, PostgreSQL runs as the postgres user and must enter it
    const dataDir = path.join(parent, 'data');
    const env = { ...process.env, LOG_LEVEL: 'info' } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL; // a fresh machine: the demo brings its own PostgreSQL
    delete env.STRATUM_TEST_SERVER_URL;
    const child = spawn(process.execPath, [path.join(root, 'apps/demo/dist/cli.js'), '--quick', '--data-dir', dataDir], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/sweep "quick" queued/);
    for (const regime of ['E2E', 'simultaneous', 'sequential']) {
      expect(output).toMatch(new RegExp(`K=2 ${regime} seed 0\\s+SUCCEEDED\\s+\\d+\\s+`)); // a table row with its evaluation count
    }
    expect(output).toMatch(/every run succeeded with its evaluations/);
    // Each probe target is shown with its chance level (1 / classes): 8 drift directions, 10 textures.
    expect(output).toMatch(/probe direction \(chance 0\.125\)\s+probe texture \(chance 0\.100\)/);
    // Probe accuracies in the table are real numbers in [0, 1].
    const accuracies = [...output.matchAll(/SUCCEEDED\s+\d+\s+([0-9.]+)/g)].map((m) => Number(m[1]));
    expect(accuracies.length).toBe(3);
    for (const a of accuracies) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    // Even 16 steps learn more than the trivial answer (each masked patch predicted as its mean):
    // every run's final loss/trivial ratio in the facts table is below 1.
    const ratios = [...output.matchAll(/^K=2 (?:E2E|simultaneous|sequential) seed 0\s+[0-9.]+\s+[0-9.]+\s+([0-9.]+)/gm)].map((m) => Number(m[1]));
    expect(ratios.length, output).toBe(3);
    for (const r of ratios) expect(r).toBeLessThan(1);
    // A passing quick run cleans up after itself.
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 240_000);
});
