// Wherever a person types a sweep or a run, names and unique id prefixes work as well as ids.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';
import { sweepRuns, sweepYaml, type SeededRun } from './seed.js';

let s: Stack;
let runs: SeededRun[];
let twin: string;

beforeAll(async () => {
  s = await startStack();
  for (const [project, file] of [['client-test', 'a.yaml'], ['other-project', 'b.yaml']] as const) {
    fs.writeFileSync(path.join(s.home, file), sweepYaml({ project, name: 'named', modes: ['e2e', 'simultaneous'], seeds: [0] }));
    const created = await s.cli(['sweep', 'create', '-f', file]);
    if (created.code !== 0) throw new Error(created.stderr);
  }
  fs.writeFileSync(path.join(s.home, 'solo.yaml'), sweepYaml({ name: 'solo', seeds: [0] }));
  if ((await s.cli(['sweep', 'create', '-f', 'solo.yaml'])).code !== 0) throw new Error('solo');
  // The runs of client-test's sweep "named" (another project has a sweep of that name too).
  const { rows } = await s.pool.query<SeededRun>(
    `SELECT r.id, r.name, r.seed, r.mode::text AS mode, r.blocks, r.model_size AS "modelSize"
       FROM runs r JOIN sweeps w ON w.id = r.sweep_id JOIN projects p ON p.id = w.project_id
      WHERE w.name = 'named' AND p.name = 'client-test' ORDER BY r.name`);
  runs = rows;
  // A run whose id starts with the same eight digits as the first one's.
  const first = runs[0] as SeededRun;
  twin = `${first.id.slice(0, 8)}-0000-4000-8000-000000000000`;
  await s.pool.query(
    `INSERT INTO runs (id, project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config, status, tags)
     SELECT $2::uuid, project_id, NULL, 'twin', mode, model_size, blocks, seed, dataset, config, status, tags FROM runs WHERE id = $1`, [first.id, twin]);
});
afterAll(async () => { await s?.close(); });

describe('names and id prefixes', () => {
  it('compares two runs given as sweep/run names within a project, and as unique id prefixes', async () => {
    const [a, b] = runs as [SeededRun, SeededRun];
    expect(a.name).toMatch(/^named\//);
    const byName = await s.cli(['compare', a.name, b.name, '--project', 'client-test', '--json']);
    expect(byName.stderr).toBe('');
    expect(byName.code).toBe(0);
    const comparison = JSON.parse(byName.stdout) as { a: { id: string }; b: { id: string } };
    expect([comparison.a.id, comparison.b.id]).toEqual([a.id, b.id]);

    const byPrefix = await s.cli(['compare', b.id.slice(0, 13), twin.slice(0, 12), '--json']);
    expect(byPrefix.code).toBe(0);
    const swapped = JSON.parse(byPrefix.stdout) as { a: { id: string }; b: { id: string } };
    expect([swapped.a.id, swapped.b.id]).toEqual([b.id, twin]);
  });

  it('refuses an ambiguous id prefix, listing the candidates', async () => {
    const a = runs[0] as SeededRun;
    const result = await s.cli(['runs', 'show', a.id.slice(0, 8)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`run id "${a.id.slice(0, 8)}" is ambiguous`);
    expect(result.stderr).toContain(`${a.id}  ${a.name} (project client-test)`);
    expect(result.stderr).toContain(`${twin}  twin`);
  });

  it('refuses a name two projects use unless --project says which', async () => {
    const a = runs[0] as SeededRun;
    const ambiguous = await s.cli(['runs', 'show', a.name]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(new RegExp(`several runs are named "${a.name}"; choose one with --project`));
    expect(ambiguous.stderr).toContain(`${a.id}  ${a.name} (project client-test)`);
    expect(ambiguous.stderr).toContain('(project other-project)');
    const shown = await s.cli(['runs', 'show', a.name, '-p', 'client-test', '--json']);
    expect((JSON.parse(shown.stdout) as { id: string }).id).toBe(a.id);
    const sweep = await s.cli(['sweep', 'status', 'named']);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toMatch(/several projects have a sweep named "named" \(client-test, other-project\); choose one with --project/);
  });

  it('finds a run by a name only one run has, and says what is missing', async () => {
    const solo = (await sweepRuns(s.pool, 'solo'))[0] as SeededRun;
    const shown = await s.cli(['runs', 'show', solo.name, '--json']);
    expect((JSON.parse(shown.stdout) as { id: string }).id).toBe(solo.id);
    // A run that a sweep holds but whose own name lacks the sweep's: sweep/run still finds it.
    await s.pool.query(`UPDATE runs SET name = 'bare-name' WHERE id = $1`, [solo.id]);
    const bare = await s.cli(['runs', 'show', 'solo/bare-name', '--json']);
    expect((JSON.parse(bare.stdout) as { id: string }).id).toBe(solo.id);
    const missing = await s.cli(['runs', 'show', 'no-such-run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('stratum: run "no-such-run" not found [NOT_FOUND]\n');
    const missingPrefix = await s.cli(['compare', 'abcdef12', solo.id]);
    expect(missingPrefix.stderr).toBe('stratum: run "abcdef12" not found (by name or as the start of an id) [NOT_FOUND]\n');
  });

  it('takes names and prefixes in export --runs and sweep ids by prefix', async () => {
    const [a, b] = runs as [SeededRun, SeededRun];
    const exported = await s.cli(['export', '--runs', `${a.name},${b.id.slice(0, 13)}`, '-p', 'client-test', '--format', 'json']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('exported 0 points of 0 series from 2 runs\n');
    const { rows } = await s.pool.query<{ id: string }>(`SELECT id FROM sweeps WHERE name = 'solo'`);
    const status = await s.cli(['sweep', 'status', (rows[0] as { id: string }).id.slice(0, 8)]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('solo');
  });
});
