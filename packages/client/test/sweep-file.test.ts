import { describe, expect, it } from 'vitest';
import { cellCount, parseSweepFile } from '../src/files/sweep-file.js';
import { FileValidationError, type FileIssue } from '../src/files/structured-file.js';

const good = `# a paper-in-miniature sweep
project: paper-mini
name: nano-k-vs-e2e
factors:
  modelSizes: [nano]
  blocks: [2, 3]
  modes: [e2e, simultaneous, BLOCKWISE_SEQUENTIAL]
  seeds: 3
dataset: moving-mnist
steps: 300
evaluation: { clips: 64, everySteps: 100 }
overrides:
  batchSize: 8
priority: 5
`;

function issues(text: string, file = 'sweep.yaml'): FileIssue[] {
  try {
    parseSweepFile(text, file);
  } catch (error) {
    if (error instanceof FileValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('sweep files', () => {
  it('normalises modes, seed counts and dataset names into CreateSweepInput', () => {
    const spec = parseSweepFile(good, 'sweep.yaml');
    expect(spec).toEqual({
      project: 'paper-mini',
      name: 'nano-k-vs-e2e',
      factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1, 2] },
      dataset: { name: 'moving-mnist' },
      steps: 300,
      evaluation: { clips: 64, everySteps: 100 },
      overrides: { batchSize: 8 },
      priority: 5,
    });
    // 3 seeds × (one E2E run for both K + 2 K × 2 blockwise modes): E2E is trained once per seed.
    expect(cellCount(spec)).toBe(3 * (1 + 2 * 2));
    expect(cellCount({ ...spec, factors: { ...spec.factors, modes: ['BLOCKWISE_SIMULTANEOUS'] } })).toBe(3 * 2);
  });

  it('accepts the same sweep as JSON', () => {
    const json = JSON.stringify({ project: 'p', name: 's', factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E'], seeds: [4, 5] }, dataset: { name: 'gratings', kind: 'single' } }, null, 2);
    expect(parseSweepFile(json, 'sweep.json')).toMatchObject({ factors: { seeds: [4, 5] }, dataset: { name: 'gratings', kind: 'single' } });
  });

  it('names the field and line of each problem', () => {
    const bad = good
      .replace('blocks: [2, 3]', 'blocks: [2, two]')
      .replace('modes: [e2e, simultaneous, BLOCKWISE_SEQUENTIAL]', 'modes: [e2e, e2e]')
      .replace('steps: 300', 'stpes: 300');
    expect(issues(bad).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '6:15 factors.blocks[1]: expected an integer',
      '7:16 factors.modes[1]: repeats "E2E"',
      '10:1 stpes: unknown field (check its spelling; unknown fields are refused, not ignored)',
    ]);
  });

  it('explains bad modes, names and missing factors', () => {
    expect(issues(good.replace('simultaneous,', 'greedy,'))[0]).toMatchObject({ path: 'factors.modes[1]', line: 7, message: expect.stringMatching(/unknown mode "greedy"/) });
    expect(issues(good.replace('name: nano-k-vs-e2e', 'name: "bad name"'))[0]).toMatchObject({ path: 'name', line: 3, message: expect.stringMatching(/names are 1–100 characters/) });
    expect(issues(good.replace('  seeds: 3\n', ''))[0]).toMatchObject({ path: 'factors.seeds', message: 'required field is missing', line: 5 });
    expect(issues(good.replace('priority: 5', 'priority: 5000'))[0]).toMatchObject({ path: 'priority', message: 'must be ≤ 1000', line: 14 });
    expect(issues(good.replace('blocks: [2, 3]', 'blocks: []'))[0]).toMatchObject({ path: 'factors.blocks', message: 'needs at least one value' });
  });
});
