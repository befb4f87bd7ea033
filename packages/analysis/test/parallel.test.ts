import { describe, expect, it } from 'vitest';
import { AnalysisError, type EvaluationInput, evaluateRepresentations, evaluateRepresentationsInParallel } from '../src/index.js';
import { randomMatrix } from './helpers.js';

// The worker runs the built copy (dist/), which turbo builds before these tests.
const n = 45;
const digit = Array.from({ length: n }, (_, i) => i % 3);
const parity = Array.from({ length: n }, (_, i) => Math.floor(i / 3) % 2);
const depth = (k: number) => randomMatrix(n, 5, 20 + k).map((row, i) => row.map((v, j) => v + k * (j === digit[i] ? 1 : 0)));
const input: EvaluationInput = {
  dataset: 'parallel',
  depths: [
    { block: 1, pooled: depth(1), tokens: [0, 1].map((c) => randomMatrix(4, 5, 50 + c)), reconstructionError: [0.1, 0.2, 0.3, 0.4] },
    { block: 2, pooled: depth(2), occludedPooled: depth(0.5) },
    { block: 1, layer: 1, pooled: depth(0.7) },
    { block: 1, layer: 2, pooled: depth(1) },
    { block: 2, layer: 3, pooled: depth(1.5) },
    { block: 2, layer: 4, pooled: depth(2) },
  ],
  labels: { digit, parity },
  grid: { t: 2, h: 2, w: 1 },
  patchSize: { t: 2, h: 16, w: 16 },
};

describe('evaluateRepresentationsInParallel', () => {
  it('gives the sequential report, row for row and in the same order', async () => {
    const options = { probe: { seed: 4 }, retrieval: { ks: [1, 3] } };
    const sequential = evaluateRepresentations(input, options);
    const parallel = await evaluateRepresentationsInParallel(input, options);
    const { timingsMs: _a, ...expected } = sequential;
    const { timingsMs: _b, ...actual } = parallel;
    expect(actual.metrics.map((m) => `${m.kind}:${m.metric}:${m.block}:${m.layer}`)).toEqual(expected.metrics.map((m) => `${m.kind}:${m.metric}:${m.block}:${m.layer}`));
    expect(actual).toEqual(expected);
    expect(parallel.patches.find((p) => p.block === 2 && p.layer === null)?.occlusion?.digit).toBeDefined();
    expect(parallel.timingsMs.probes).toBeGreaterThan(0);
  });

  it('rejects with the error that stopped either thread', async () => {
    // One clip of class 9: three stratified folds are impossible, which only the probes meet.
    const lonely = { ...input, labels: { digit: digit.map((d, i) => (i === 0 ? 9 : d)) } };
    const error = await evaluateRepresentationsInParallel(lonely).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnalysisError);
    expect(String(error)).toMatch(/class 9/);
    const zero = { ...input, depths: [{ block: 1, pooled: depth(1).map((r, i) => (i === 0 ? r.map(() => 0) : r)) }] };
    await expect(evaluateRepresentationsInParallel(zero)).rejects.toThrow(/B1 pooled features row 0 has zero norm/);
  });
});
