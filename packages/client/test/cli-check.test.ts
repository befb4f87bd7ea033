import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';
import { insertProbe, setRunStatus, sweepRuns, sweepYaml, type SeededRun } from './seed.js';

let s: Stack;
const runs: Record<string, SeededRun[]> = {};
// Probe accuracies at the last block, per seed. Means by hand: base 0.52, pass 0.52, regress 0.41.
const VALUES: Record<string, number[]> = {
  base: [0.5, 0.52, 0.54],
  'cand-pass': [0.51, 0.53, 0.52],
  'cand-regress': [0.4, 0.41, 0.42],
  'cand-few': [0.6],
};
const RULE = 'probe_acc@final:block=last:target=digit:max_drop=0.02';

beforeAll(async () => {
  s = await startStack();
  for (const [name, values] of Object.entries(VALUES)) {
    const file = path.join(s.home, `${name}.yaml`);
    fs.writeFileSync(file, sweepYaml({ name, seeds: values.map((_, i) => i) }));
    const created = await s.cli(['sweep', 'create', '-f', file]);
    if (created.code !== 0) throw new Error(created.stderr);
    runs[name] = await sweepRuns(s.pool, name);
    await setRunStatus(s.pool, (runs[name] ?? []).map((r) => r.id), 'SUCCEEDED');
    await insertProbe(s.pool, runs[name] ?? [], values);
  }
  const baseline = await s.cli(['baseline', 'set', 'main', '--sweep', 'base']);
  if (baseline.code !== 0) throw new Error(baseline.stderr);
});
afterAll(async () => { await s?.close(); });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fixed = (x: number) => x.toFixed(4).replace('-', '−');
const read = (name: string) => fs.readFileSync(path.join(s.home, name), 'utf8');
const checksStored = async () => Number((await s.pool.query<{ n: string }>('SELECT count(*) AS n FROM regression_checks')).rows[0]?.n);

describe('stratum baseline', () => {
  it('set points a name at a sweep; ls lists it', async () => {
    const ls = await s.cli(['baseline', 'ls', '--project', 'client-test', '--json']);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toMatchObject([{ name: 'main', sweep: { name: 'base' }, runIds: [] }]);
    const again = await s.cli(['baseline', 'set', 'main', '--sweep', 'base']);
    expect(again.stdout).toBe('Baseline main of project client-test → sweep base.\n');
  });
});

describe('stratum check', () => {
  it('passes (exit 0) when the candidate matches the baseline, writing Markdown and JUnit', async () => {
    const result = await s.cli(['check', '-c', 'sweep:cand-pass', '-b', 'main', '-r', RULE, '--markdown', 'pass.md', '--junit', 'pass.xml']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${fixed(mean(VALUES.base ?? []))} \\(3\\)\\s+${fixed(mean(VALUES['cand-pass'] ?? []))} \\(3\\)\\s+[+−]0\\.0000\\s+\\[.*\\]\\s+PASS`));
    expect(result.stdout).toMatch(/^PASS: 1 passed, 0 failed, 0 insufficient \(sweep cand-pass vs baseline main\)$/m);
    const md = read('pass.md');
    expect(md.split('\n')[0]).toBe('### Stratum check: ✅ no regression');
    expect(md).toContain(`| \`${RULE} [nano K=2 E2E]\` | 0.5200 (3) | 0.5200 (3) |`);
    const xml = read('pass.xml');
    expect(xml).toMatch(/<testsuites name="stratum check" tests="1" failures="0" errors="0" skipped="0"/);
    expect(xml).toContain(`<testcase classname="stratum.check" name="${RULE} [nano K=2 E2E]"`);
  });

  it('detects a regression (exit 1): FAIL with the means, delta and an interval below zero', async () => {
    const before = await checksStored();
    const result = await s.cli(['check', '-c', 'cand-regress', '-b', 'main', '-r', RULE, '--markdown', 'fail.md', '--junit', 'fail.xml', '--json']);
    expect(result.code).toBe(1);
    expect(await checksStored()).toBe(before + 1);
    const body = JSON.parse(result.stdout) as { exitCode: number; outcomes: Array<{ verdict: string; baselineMean: number; candidateMean: number; delta: number; ciLow: number; ciHigh: number }> };
    expect(body.exitCode).toBe(1);
    const [outcome] = body.outcomes;
    expect(outcome?.verdict).toBe('FAIL');
    expect(outcome?.baselineMean).toBeCloseTo(0.52, 12);
    expect(outcome?.candidateMean).toBeCloseTo(0.41, 12);
    expect(outcome?.delta).toBeCloseTo(0.41 - 0.52, 12);
    expect(outcome?.ciLow).toBeLessThan(outcome?.delta as number);
    expect(outcome?.ciHigh).toBeLessThan(0); // significantly worse, not just noisily
    const md = read('fail.md');
    expect(md.split('\n')[0]).toBe('### Stratum check: ❌ regression detected');
    expect(md).toContain(`| 0.5200 (3) | 0.4100 (3) | −0.1100 | [${fixed(outcome?.ciLow as number)}, ${fixed(outcome?.ciHigh as number)}] | ❌ FAIL |`);
    const xml = read('fail.xml');
    expect(xml).toMatch(/tests="1" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/<failure type="REGRESSION" message="regression: baseline 0\.5200 \(n=3\), candidate 0\.4100 \(n=3\), delta −0\.1100/);
  });

  it('a looser rule passes the same candidate; with both rules the regression decides (exit 1)', async () => {
    const loose = 'probe_acc:target=digit:max_drop=0.2';
    expect((await s.cli(['check', '-c', 'cand-regress', '-b', 'main', '-r', loose])).code).toBe(0);
    const both = await s.cli(['check', '-c', 'cand-regress', '-b', 'main', '-r', loose, '-r', RULE, '--junit', 'both.xml']);
    expect(both.code).toBe(1);
    expect(both.stdout).toMatch(/^REGRESSION: 1 passed, 1 failed, 0 insufficient/m);
    expect(read('both.xml')).toMatch(/tests="2" failures="1"/);
  });

  it('reports insufficient seeds (exit 2) as a skipped test case', async () => {
    const result = await s.cli(['check', '-c', 'sweep:cand-few', '-b', 'main', '-r', RULE, '--junit', 'few.xml', '--markdown', 'few.md']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/INSUFFICIENT_DATA/);
    expect(result.stdout).toMatch(/^INSUFFICIENT DATA: 0 passed, 0 failed, 1 insufficient/m);
    expect(read('few.xml')).toMatch(/tests="1" failures="0" errors="0" skipped="1"/);
    expect(read('few.xml')).toMatch(/<skipped message="insufficient data: needs at least 2 values per side; candidate has 1, baseline 3"\/>/);
    expect(read('few.md').split('\n')[0]).toBe('### Stratum check: ⚠️ insufficient data');
  });

  it('takes candidates by tag and by run ids', async () => {
    const ids = (runs['cand-regress'] ?? []).map((r) => r.id);
    await s.gql('mutation($ids: [ID!]!) { addRunTags(runIds: $ids, tags: ["pr-7"]) { id } }', { ids });
    const byTag = await s.cli(['check', '-c', 'tag:pr-7', '-b', 'main', '-r', RULE]);
    expect(byTag.code).toBe(1);
    expect(byTag.stdout).toMatch(/\(tag pr-7 vs baseline main\)/);
    const byIds = await s.cli(['check', '-c', (runs['cand-pass'] ?? []).map((r) => r.id).join(','), '-b', 'main', '-r', RULE]);
    expect(byIds.code).toBe(0);
    expect(byIds.stdout).toMatch(/\(3 runs vs baseline main\)/);
  });

  it('refuses bad input with exit 2, and a bad rule before anything is sent', async () => {
    const before = await checksStored();
    const badRule = await s.cli(['check', '-c', 'cand-pass', '-b', 'main', '-r', 'probe_acc@final:blok=last:max_drop=0.02']);
    expect(badRule.code).toBe(2);
    expect(badRule.stderr).toBe('stratum: invalid --rule "probe_acc@final:blok=last:max_drop=0.02" (column 17): unknown option "blok"; known: block, target, dataset, max_drop, max_rel_drop, direction [USAGE]\n');
    expect(await checksStored()).toBe(before);
    const noBaseline = await s.cli(['check', '-c', 'cand-pass', '-b', 'nightly', '-r', RULE]);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toMatch(/nightly.*\[NOT_FOUND\]/);
    const noRule = await s.cli(['check', '-c', 'cand-pass', '-b', 'main']);
    expect(noRule.code).toBe(2);
    expect(noRule.stderr).toMatch(/required option '-r, --rule <rule>' not specified/);
    const noSweep = await s.cli(['check', '-c', 'sweep:ghost', '-b', 'main', '-r', RULE]);
    expect(noSweep.code).toBe(2);
    expect(noSweep.stderr).toBe('stratum: sweep "ghost" not found [NOT_FOUND]\n');
  });
});
