import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
const script = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/depth-similarity.ts', ...args], { cwd });

describe('depth-similarity script', () => {
  it('trains a short E2E run and prints its loss over the trivial reference and consecutive-block CKA at K = 2, 3, 6', async () => {
    const { stdout } = await script('--config', '{"steps":3}', '--data', '{"count":64}', '--clips', '24');
    const line = stdout.trim();
    expect(line.startsWith('{"config":{"steps":3},"data":{"count":64}}')).toBe(true);
    expect(Number(/loss\/trivial (\S+)/.exec(line)?.[1])).toBeGreaterThan(0);
    for (const [K, pairs] of [[2, 1], [3, 2], [6, 5]] as const) {
      const values = new RegExp(`K=${K} consecutive CKA ((?:\\d\\.\\d{3} ?)+)`).exec(line)?.[1]?.trim().split(' ').map(Number);
      expect(values, `K=${K} in ${line}`).toHaveLength(pairs);
      for (const v of values!) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  }, 120_000);

  it('refuses an option that is not a JSON object, naming it', async () => {
    await expect(script('--config', '{steps:3}')).rejects.toMatchObject({ stderr: expect.stringContaining('--config must be a JSON object') });
    await expect(script('--data', '[1]')).rejects.toMatchObject({ stderr: expect.stringContaining('--data must be a JSON object') });
    await expect(script('--clips', '2')).rejects.toMatchObject({ stderr: expect.stringContaining('--clips must be an integer') });
  }, 60_000);
});
