import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';
import { insertSeries, seriesValue, setRunStatus, sweepRuns, sweepYaml, type SeededRun } from './seed.js';

let s: Stack;
let a: SeededRun;
let b: SeededRun;

// 200,000 points in five series of two runs (block 0 = whole model):
const SERIES = [
  { run: 'a', key: 'loss', block: 0, count: 100_000, stride: 1 },
  { run: 'a', key: 'loss', block: 1, count: 50_000, stride: 2 },
  { run: 'b', key: 'loss', block: 1, count: 10, stride: 1 },
  { run: 'b', key: 'loss', block: 2, count: 10, stride: 1 },
  { run: 'b', key: 'lr', block: 0, count: 49_980, stride: 1 },
] as const;
const TOTAL = SERIES.reduce((sum, x) => sum + x.count, 0);

beforeAll(async () => {
  s = await startStack();
  const file = path.join(s.home, 'big.yaml');
  fs.writeFileSync(file, sweepYaml({ name: 'big', seeds: [0, 1] }));
  const created = await s.cli(['sweep', 'create', '-f', file]);
  if (created.code !== 0) throw new Error(created.stderr);
  [a, b] = (await sweepRuns(s.pool, 'big')) as [SeededRun, SeededRun];
  await setRunStatus(s.pool, [a.id, b.id], 'SUCCEEDED');
  for (const x of SERIES) await insertSeries(s.pool, (x.run === 'a' ? a : b).id, x.key, x.block, x.count, { stride: x.stride });
});
afterAll(async () => { await s?.close(); });

/** The CSV rows the export must produce, in order (runs in sweep order, then key, block, step). */
function* expectedRows(): Generator<string> {
  for (const x of SERIES) {
    const run = x.run === 'a' ? a : b;
    for (let i = 0; i < x.count; i++) {
      const step = i * x.stride;
      yield [run.id, run.name, run.modelSize, run.blocks, run.mode, run.seed, x.key, x.block === 0 ? '' : x.block, step, String(seriesValue(step, x.block))].join(',');
    }
  }
}

describe('stratum export', () => {
  it(`streams ${TOTAL.toLocaleString('en')} points as CSV, exactly, with bounded memory`, async () => {
    expect(TOTAL).toBe(200_000);
    const big = await s.cli(['export', '--sweep', 'big', '--format', 'csv', '-o', 'big.csv'], { measureRss: true, timeoutMs: 90_000 });
    expect(big.stderr).toBe(`exported ${TOTAL} points of 5 series from 2 runs to big.csv\n`);
    expect(big.code).toBe(0);

    // Every row, in order, equals what was stored (values recomputed from the seeding formula).
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(s.home, 'big.csv')), crlfDelay: Infinity });
    const expected = expectedRows();
    let count = -1;
    for await (const line of lines) {
      if (count === -1) expect(line).toBe('run_id,run_name,model_size,blocks,mode,seed,key,block,step,value');
      else expect(line).toBe(expected.next().value);
      count++;
    }
    expect(count).toBe(TOTAL);

    // The same export cut at step 99 (a few hundred points) and at step 49,999 (half the points)
    // give the process's own footprint and how it grows with the number of points.
    const cut = async (toStep: number, file: string) => {
      const result = await s.cli(['export', '--sweep', 'big', '--format', 'csv', '--to-step', String(toStep), '-o', file], { measureRss: true, timeoutMs: 90_000 });
      const points = SERIES.reduce((sum, x) => sum + Math.min(x.count, Math.floor(toStep / x.stride) + 1), 0);
      expect(result.stderr).toBe(`exported ${points} points of 5 series from 2 runs to ${file}\n`);
      return { points, peakKiB: result.peakRssKiB as number };
    };
    const small = await cut(99, 'small.csv');
    const half = await cut(49_999, 'half.csv');
    expect(half.points).toBeGreaterThan(TOTAL / 2 - 1000);

    // What holding the points would cost: a node process that reads the export and keeps its rows
    // as objects, as a non-streaming export must hold them at some point (its VmHWM minus that of
    // an idle node process).
    const peakOf = (script: string, ...args: string[]) => Number(spawnSync(process.execPath, ['-e', `${script}
      const m = /^VmHWM:\\s+(\\d+) kB$/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
      process.stdout.write(m ? m[1] : String(process.resourceUsage().maxRSS));`, ...args], { encoding: 'utf8' }).stdout);
    const holdingKiB = peakOf(`
      const rows = require('node:fs').readFileSync(process.argv[1], 'utf8').split('\\r\\n').slice(1, -1).map((l) => { const c = l.split(','); return { run_id: c[0], run_name: c[1], model_size: c[2], blocks: +c[3], mode: c[4], seed: +c[5], key: c[6], block: c[7] === '' ? null : +c[7], step: +c[8], value: +c[9] }; });
      globalThis.keep = rows;`, path.join(s.home, 'big.csv')) - peakOf('');
    const bigKiB = big.peakRssKiB as number;
    const mib = (kib: number) => (kib / 1024).toFixed(1);
    process.stdout.write(`export peak RSS: ${small.points} points ${mib(small.peakKiB)} MiB, ${half.points} points ${mib(half.peakKiB)} MiB, ${TOTAL} points ${mib(bigKiB)} MiB; holding ${TOTAL} rows costs ${mib(holdingKiB)} MiB\n`);
    expect(holdingKiB).toBeGreaterThan(40 * 1024);
    // Streaming costs a page's worth (and a warmed-up young generation) over the tiny export...
    expect(bigKiB - small.peakKiB).toBeLessThan(holdingKiB / 3);
    // ...and doubling the points adds far less than holding the extra 100,000 rows would.
    expect(bigKiB - half.peakKiB).toBeLessThan(holdingKiB / 4);
  });

  it('exports JSON and NDJSON, filtered by metric, block and step range', async () => {
    const json = await s.cli(['export', '--sweep', 'big', '--format', 'json', '--metrics', 'loss', '--blocks', '1,2', '--from-step', '10', '--to-step', '29']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ run_id: string; key: string; block: number | null; step: number; value: number }>;
    // a/loss/1 holds even steps 10..28 (10 points); b/loss/1 and b/loss/2 end at step 9.
    expect(rows.map((r) => [r.run_id, r.block, r.step])).toEqual(Array.from({ length: 10 }, (_, i) => [a.id, 1, 10 + 2 * i]));
    for (const r of rows) expect(r.value).toBe(seriesValue(r.step, 1));

    const ndjson = await s.cli(['export', '--runs', `${b.id}`, '--format', 'ndjson', '--metrics', 'loss']);
    const lines = ndjson.stdout.trim().split('\n').map((l) => JSON.parse(l) as { block: number; step: number });
    expect(lines).toHaveLength(20);
    expect(lines.map((l) => l.block)).toEqual([...Array(10).fill(1), ...Array(10).fill(2)]);
  });

  it('ends quietly with status 0 when standard output is closed early (`| head`)', async () => {
    const cut = await s.cli(['export', '--sweep', 'big', '--format', 'csv'], { closeStdoutAfter: 1, timeoutMs: 90_000 });
    expect(cut.stdout.startsWith('run_id,run_name')).toBe(true);
    expect(cut.stderr).toBe('');
    expect(cut.code).toBe(0);
  });

  it('refuses bad options with exit 2', async () => {
    const both = await s.cli(['export', '--sweep', 'big', '--runs', a.id]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --sweep or --runs/);
    const format = await s.cli(['export', '--sweep', 'big', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of csv, json, ndjson/);
  });
});
