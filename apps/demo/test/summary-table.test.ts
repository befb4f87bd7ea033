// The demo's run table: per run, the deepest block's probe accuracy per target, with each
// target's chance level in the header, and retrieval mAP.
import { describe, expect, it } from 'vitest';
import { summaryTable, type RunView } from '../src/progress.js';

function run(seed: number, evaluations: RunView['evaluations']): RunView {
  return { id: `r${seed}`, name: `r${seed}`, mode: 'E2E', blocks: 2, seed, status: 'SUCCEEDED', error: null, durationSeconds: 1, finishedAt: null, jobs: [], evaluations };
}
const probe = (target: string, depth: number, value: number, metric = 'accuracy') => ({ kind: 'LINEAR_PROBE', metric, target, depth, depthUnit: 'BLOCK', value });

describe('demo run table', () => {
  it('names each probe target with its chance level and shows the deepest block', () => {
    const table = summaryTable([
      run(0, [probe('direction', 1, 0.3), probe('direction', 2, 0.55), probe('direction', 2, 0.125, 'accuracy_chance'), probe('texture', 2, 0.99), probe('texture', 2, 0.1, 'accuracy_chance'),
        { kind: 'KNN_RETRIEVAL', metric: 'mAP', target: 'direction', depth: 2, depthUnit: 'BLOCK', value: 0.25 }]),
    ], 'direction');
    const [header, , row] = table.split('\n');
    expect(header).toMatch(/probe direction \(chance 0\.125\)\s+probe texture \(chance 0\.100\)\s+mAP direction/);
    expect(row).toMatch(/^K=2 E2E seed 0\s+SUCCEEDED\s+6\s+0\.550\s+0\.990\s+0\.250\s*$/);
  });

  it('leaves the chance out for runs evaluated before it was reported', () => {
    const [header] = summaryTable([run(0, [probe('digit', 1, 0.4)])], 'digit').split('\n');
    expect(header).toMatch(/probe digit\s+mAP digit/);
    expect(header).not.toMatch(/chance/);
  });
});
