// The demo's findings: blockwise − E2E differences paired by seed at the same K, with a Student-t
// 95% interval over the seeds, and the RESULT line naming the one with the strongest evidence.
import { describe, expect, it } from 'vitest';
import { factsTable, findings, resultLine, strongest, tailMean, type RunFacts } from '../src/findings.js';
import type { RunView } from '../src/progress.js';

function fact(mode: string, seed: number, probes: [number, number], cka: number, loss = 0.5, trivial = 1): RunFacts {
  const run: RunView = {
    id: `${mode}-${seed}`, name: `${mode}-${seed}`, mode, blocks: 2, seed, status: 'SUCCEEDED', error: null, durationSeconds: 1, finishedAt: null, jobs: [],
    evaluations: probes.map((value, i) => ({ kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', depth: i + 1, depthUnit: 'BLOCK', value })),
  };
  return { run, loss, trivial, consecutiveCka: [cka] };
}

describe('demo findings', () => {
  const facts = [
    fact('E2E', 0, [0.30, 0.50], 0.90), fact('E2E', 1, [0.32, 0.52], 0.91), fact('E2E', 2, [0.34, 0.54], 0.92, 0.55),
    // block-1 probe differences 0.1, 0.2, 0.3 (mean 0.2, sd 0.1); final-block differences 0, 0, 0.
    fact('BLOCKWISE_SIMULTANEOUS', 0, [0.40, 0.50], 0.97), fact('BLOCKWISE_SIMULTANEOUS', 1, [0.52, 0.52], 0.97), fact('BLOCKWISE_SIMULTANEOUS', 2, [0.64, 0.54], 0.99),
  ];
  const list = findings(facts, 'digit');

  it('pairs each blockwise run with the E2E run of its seed and gives the t interval', () => {
    const early = list.find((f) => f.name === 'block1_probe' && f.regime === 'simultaneous')!;
    expect(early.n).toBe(3);
    expect(early.delta).toBeCloseTo(0.2, 10);
    const half = 4.302652729911275 * 0.1 / Math.sqrt(3); // t(0.975, 2) · sd / √n
    expect(early.ciLow).toBeCloseTo(0.2 - half, 6);
    expect(early.ciHigh).toBeCloseTo(0.2 + half, 6);
    const late = list.find((f) => f.name === 'late_cka' && f.regime === 'simultaneous')!;
    expect(late.delta).toBeCloseTo((0.07 + 0.06 + 0.07) / 3, 10);
    // No sequential runs: no pairs, no interval.
    expect(list.find((f) => f.regime === 'sequential')!.n).toBe(0);
  });

  it('prints the RESULT line with the worst loss ratio, the E2E CKA maximum and the strongest finding', () => {
    const best = strongest(list)!;
    expect(best.name).toBe('late_cka'); // 0.067 ± 0.014: furthest from zero for its width
    const line = resultLine(123.4, facts, list);
    expect(line).toMatch(/^RESULT demo wall_s=123 worst_loss_to_trivial=0\.550 e2e_consecutive_cka_max=0\.920 seeds=3 finding=late_cka_k2_simultaneous delta=0\.0667 ci_low=0\.\d{4} ci_high=0\.\d{4}$/);
    // A sweep that had finished before the demo followed it: no wall time was measured.
    expect(resultLine(null, facts, list)).toMatch(/^RESULT demo wall_s=nan worst_loss_to_trivial=0\.550 /);
  });

  it("lists the runs' losses by K, regime and seed, whatever order they came in", () => {
    const k3 = { ...fact('E2E', 1, [0.3, 0.5], 0.9), run: { ...fact('E2E', 1, [0.3, 0.5], 0.9).run, blocks: 3 } };
    const rows = factsTable([facts[5]!, k3, facts[1]!, facts[3]!, facts[0]!]).split('\n').slice(2).map((line) => line.split('  ')[0]!.trim());
    expect(rows).toEqual(['K=2 simultaneous seed 0', 'K=2 simultaneous seed 2', 'K=2 E2E seed 0', 'K=2 E2E seed 1', 'K=3 E2E seed 1']);
  });

  it('averages the final loss over the last 20 steps, or the last quarter of a shorter run', () => {
    const long = Array.from({ length: 300 }, (_, i) => (i < 280 ? 1 : i % 2 ? 0.4 : 0.6)); // last 20: 0.6, 0.4, …
    expect(tailMean(long)).toBeCloseTo(0.5, 12);
    expect(tailMean([1, 1, 1, 0.9, 0.8, 0.7, 0.6, 0.5])).toBeCloseTo(0.55, 12); // 8 steps: the last 2
    expect(tailMean([0.7])).toBe(0.7);
    expect(tailMean([])).toBeNull();
  });
});
