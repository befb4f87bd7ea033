import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';
import { insertProbe, insertSeries, setRunStatus, sweepRuns, sweepYaml } from './seed.js';

let s: Stack;
beforeAll(async () => { s = await startStack(); });
afterAll(async () => { await s?.close(); });

function writeFile(name: string, text: string): string {
  const file = path.join(s.home, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('stratum sweep create', () => {
  it('declares a sweep from YAML, and again changes nothing (idempotent)', async () => {
    const file = writeFile('grid.yaml', sweepYaml({ name: 'grid', blocks: [2, 3], modes: ['e2e', 'simultaneous'], seeds: [0, 1] }));
    const first = await s.cli(['sweep', 'create', '-f', file]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const runs = await sweepRuns(s.pool, 'grid');
    // 2 seeds × (one E2E run for both K + 2 K × simultaneous): E2E is trained once per seed.
    expect(runs).toHaveLength(2 * (1 + 2));
    const { rows } = await s.pool.query<{ id: string }>("SELECT id FROM sweeps WHERE name = 'grid'");
    expect(first.stdout).toBe(`Created sweep grid in project client-test: 6 runs queued (id ${rows[0]?.id}).\n`);

    const again = await s.cli(['sweep', 'create', '-f', file, '--json']);
    expect(again.code).toBe(0);
    const body = JSON.parse(again.stdout) as { created: boolean; sweep: { id: string; statusCounts: { total: number; queued: number } } };
    expect(body.created).toBe(false);
    expect(body.sweep.id).toBe(rows[0]?.id);
    expect(body.sweep.statusCounts).toMatchObject({ total: 6, queued: 6 });
    expect(await sweepRuns(s.pool, 'grid')).toHaveLength(6);
  });

  it('reads JSON from stdin, and --dry-run sends nothing', async () => {
    const json = JSON.stringify({ project: 'client-test', name: 'from-stdin', factors: { modelSizes: ['nano'], blocks: [3], modes: ['E2E'], seeds: 2 } });
    const dry = await s.cli(['sweep', 'create', '-f', '-', '--dry-run', '--json'], { input: json });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ valid: true, runs: 2, input: { factors: { seeds: [0, 1] } } });
    expect(await sweepRuns(s.pool, 'from-stdin')).toHaveLength(0);
    const real = await s.cli(['sweep', 'create', '-f', '-'], { input: json });
    expect(real.code).toBe(0);
    expect(await sweepRuns(s.pool, 'from-stdin')).toHaveLength(2);
  });

  it('refuses a malformed file naming the field and line, before sending anything (exit 2)', async () => {
    const text = sweepYaml({ name: 'broken', seeds: [0, 1] }).replace('  blocks: [2]', '  blocks: [2, "four"]').replace('steps: 20', 'stpes: 20');
    const file = writeFile('broken.yaml', text);
    const result = await s.cli(['sweep', 'create', '-f', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:5:15: factors.blocks[1]: expected an integer`);
    expect(result.stderr).toContain(`${file}:8:1: stpes: unknown field`);
    const { rowCount } = await s.pool.query("SELECT 1 FROM sweeps WHERE name = 'broken'");
    expect(rowCount).toBe(0);
  });

  it('passes the API\'s own refusals through with their code (K must divide the depth: exit 2)', async () => {
    const file = writeFile('k5.yaml', sweepYaml({ name: 'k-five', blocks: [5] }));
    const result = await s.cli(['sweep', 'create', '-f', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/blocks.*\[BAD_USER_INPUT\]/);
    const missing = await s.cli(['sweep', 'create', '-f', path.join(s.home, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml: no such file/);
  });
});

describe('stratum sweep status / cancel / ls', () => {
  it('shows every run with its status; --json is the API object', async () => {
    const runs = await sweepRuns(s.pool, 'grid');
    await setRunStatus(s.pool, runs.slice(0, 2).map((r) => r.id), 'SUCCEEDED');
    await setRunStatus(s.pool, [runs[2]?.id as string], 'FAILED', 'loss became NaN at step 7');
    const table = await s.cli(['sweep', 'status', 'grid']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[1]).toBe('3/6 finished · 2 succeeded · 0 running · 3 queued · 1 failed · 0 cancelled');
    expect(lines[3]).toMatch(/^RUN\s+SIZE\s+K\s+MODE\s+SEED\s+STATUS\s+PROGRESS\s+TIME\s+AGENT$/);
    for (const run of runs) expect(table.stdout).toContain(run.name);
    expect(table.stdout).toContain('loss became NaN at step 7');
    const json = JSON.parse((await s.cli(['sweep', 'status', 'grid', '--json'])).stdout) as { runs: Array<{ status: string }>; statusCounts: Record<string, number> };
    expect(json.runs.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(2);
    expect(json.statusCounts).toMatchObject({ total: 6, succeeded: 2, failed: 1, queued: 3 });
  });

  it('--watch follows the sweep live and exits 1 when a run failed', async () => {
    const runs = await sweepRuns(s.pool, 'grid');
    const watching = s.spawnCli(['sweep', 'status', 'grid', '--watch', '--interval', '0.2']);
    await watching.stderrMatches(/3\/6 finished/);
    await setRunStatus(s.pool, runs.slice(3).map((r) => r.id), 'SUCCEEDED');
    const result = await watching.result;
    expect(result.code).toBe(1);
    // Progress lines on stderr (not a terminal, so no bar): at least the state before and after.
    expect(result.stderr).toMatch(/3\/6 finished/);
    expect(result.stderr).toMatch(/6\/6 finished · 5 succeeded/);
    expect(result.stderr).toMatch(/finished with 1 failed and 0 cancelled runs/);
    expect(result.stdout).toMatch(/^Sweep grid/);
  });

  it('--watch exits 0 when every run succeeded, and times out with exit 3', async () => {
    const runs = await sweepRuns(s.pool, 'from-stdin');
    const timeout = await s.cli(['sweep', 'status', 'from-stdin', '--watch', '--interval', '0.1', '--timeout', '0.5']);
    expect(timeout.code).toBe(3);
    expect(timeout.stderr).toMatch(/had not finished after 0\.5 s/);
    await setRunStatus(s.pool, runs.map((r) => r.id), 'SUCCEEDED');
    const done = await s.cli(['sweep', 'status', 'from-stdin', '--watch', '--json']);
    expect(done.code).toBe(0);
    const updates = done.stdout.trim().split('\n').map((line) => JSON.parse(line) as { statusCounts: { succeeded: number } });
    expect(updates.at(-1)?.statusCounts.succeeded).toBe(2);
  });

  it('cancels what is still queued; an unknown sweep is exit 2', async () => {
    const file = writeFile('to-cancel.yaml', sweepYaml({ name: 'to-cancel', seeds: [0, 1, 2] }));
    expect((await s.cli(['sweep', 'create', '-f', file])).code).toBe(0);
    const result = await s.cli(['sweep', 'cancel', 'to-cancel']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Cancelled 3 runs of sweep to-cancel; 0 running jobs were asked to stop\./);
    const { rows } = await s.pool.query<{ status: string }>("SELECT r.status::text FROM runs r JOIN sweeps s ON s.id = r.sweep_id WHERE s.name = 'to-cancel'");
    expect(rows.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    const unknown = await s.cli(['sweep', 'cancel', 'no-such-sweep']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('stratum: sweep "no-such-sweep" not found [NOT_FOUND]\n');
  });

  it('lists sweeps', async () => {
    const result = await s.cli(['sweep', 'ls', '--json']);
    const names = (JSON.parse(result.stdout) as Array<{ name: string }>).map((x) => x.name).sort();
    expect(names).toEqual(['from-stdin', 'grid', 'to-cancel']);
  });
});

describe('stratum runs ls / show, compare', () => {
  it('filters runs by sweep, factors and status, in a table or JSON', async () => {
    const all = await sweepRuns(s.pool, 'grid');
    // K=3's E2E runs: the sweep's one E2E run per seed, evaluated at K=2 and K=3.
    const expected = all.filter((r) => r.partitions.includes(3) && r.mode === 'E2E');
    expect(expected).toHaveLength(2);
    const json = await s.cli(['runs', 'ls', '--sweep', 'grid', '--blocks', '3', '--mode', 'e2e', '--json']);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as Array<{ id: string; blocks: number; mode: string }>;
    expect(listed.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());

    const failed = await s.cli(['runs', 'ls', '--sweep', 'grid', '--status', 'failed']);
    const rows = failed.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(all[2]?.id);

    const limited = await s.cli(['runs', 'ls', '--sweep', 'grid', '--limit', '3']);
    expect(limited.stdout.trim().split('\n').slice(2, -1)).toHaveLength(3);
    expect(limited.stdout).toMatch(/\(3 of 6 runs; --limit or --all for more\)\n$/);

    const bad = await s.cli(['runs', 'ls', '--status', 'DONE']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status: unknown value "DONE"/);
  });

  it('shows one run with its evaluations and config', async () => {
    const [run] = await sweepRuns(s.pool, 'grid');
    await insertProbe(s.pool, [run as { id: string; blocks: number }], [0.4375]);
    const result = await s.cli(['runs', 'show', run?.id as string]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Run ${run?.name} (${run?.id})`);
    // The first run is the E2E run evaluated at K=2 and K=3: a block depth names its K.
    expect(result.stdout).toMatch(/LINEAR_PROBE\s+accuracy\s+digit\s+moving-mnist\s+block 2 of K=2\s+20\s+0\.4375/);
    expect(result.stdout).toContain('"seed": 0');
    const json = JSON.parse((await s.cli(['runs', 'show', run?.id as string, '--json'])).stdout) as { id: string; evaluations: unknown[] };
    expect(json.id).toBe(run?.id);
    expect(json.evaluations).toHaveLength(1);
    const missing = await s.cli(['runs', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found \[NOT_FOUND\]/);
  });

  it('compares two runs: config differences and metric deltas', async () => {
    const runs = await sweepRuns(s.pool, 'grid');
    const a = runs.find((r) => r.blocks === 2 && r.mode === 'E2E' && r.seed === 0) as { id: string };
    const b = runs.find((r) => r.blocks === 2 && r.mode === 'E2E' && r.seed === 1) as { id: string };
    await insertSeries(s.pool, a.id, 'loss', 0, 10, { scale: 0.01 });   // last value 0.09
    await insertSeries(s.pool, b.id, 'loss', 0, 10, { scale: 0.02 });   // last value 0.18
    const result = await s.cli(['compare', a.id, b.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Config differences:\n/);
    expect(result.stdout).toMatch(/seed\s+0\s+1/);
    expect(result.stdout).toMatch(/loss\s+model\s+0\.0900\s+0\.1800\s+\+0\.0900/);
    const json = JSON.parse((await s.cli(['compare', a.id, b.id, '--json'])).stdout) as { configDiff: Array<{ path: string }> };
    expect(json.configDiff.map((d) => d.path)).toContain('seed');
  });
});
