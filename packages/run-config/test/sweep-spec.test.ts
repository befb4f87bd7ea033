import { describe, expect, it } from 'vitest';
import { checkSweepSpec, fieldPath, runCount } from '../src/index.js';

const base = { project: 'p', name: 's', factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS'], seeds: [0, 1] } };
const issuesOf = (input: unknown) => {
  const checked = checkSweepSpec(input);
  if (checked.ok) throw new Error('expected a refusal');
  return checked.issues.map((i) => `${i.field}: ${i.message}`);
};

describe('the sweep schema (createSweep and sweep files)', () => {
  it('accepts a sweep, reading null optional fields as absent and the trainer\'s mode names', () => {
    const checked = checkSweepSpec({ ...base, factors: { ...base.factors, modes: ['e2e', 'sequential'], seeds: 3 }, steps: null, dataset: { name: 'gratings', kind: 'single' } });
    expect(checked).toEqual({ ok: true, spec: { ...base, factors: { ...base.factors, modes: ['E2E', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1, 2] }, dataset: { name: 'gratings', kind: 'single' } } });
  });

  it('names the field of every problem, in the API\'s words', () => {
    expect(issuesOf({ ...base, name: 'no spaces', factors: { ...base.factors, modelSizes: ['huge'], seeds: [1, 1] } })).toEqual([
      'name: names are 1–100 characters of letters, digits and _.:- starting with a letter or digit',
      'factors.modelSizes[0]: unknown model size "huge" (known: nano, micro, tiny, small)',
      'factors.seeds[1]: repeats 1',
    ]);
    expect(issuesOf({ ...base, overrides: { blocks: 2, evaluation: {} }, requirements: { gpus: 2 }, dataset: 'mnist', steps: 0 })).toEqual([
      'dataset: must be a JSON object with a "name", e.g. { "name": "moving-mnist" }',
      'steps: must be ≥ 1',
      'overrides.blocks: is set by the sweep; use factors.blocks',
      'overrides.evaluation: use the evaluation field',
      'requirements.gpus: unknown key',
    ]);
  });

  it('refuses a sweep of more than 1000 runs, counting E2E once per size and seed', () => {
    const factors = { modelSizes: ['nano'], blocks: [1, 2, 3, 6], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: 126 };
    expect(runCount({ ...factors, seeds: [0] })).toBe(1 + 4 * 2);
    expect(issuesOf({ ...base, factors })).toEqual(['factors: expands to 1134 runs; the limit is 1000']);
  });

  it('writes paths as people do', () => {
    expect(fieldPath(['factors', 'seeds', 1])).toBe('factors.seeds[1]');
    expect(fieldPath([])).toBe('');
  });
});
