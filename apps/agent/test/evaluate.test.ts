import { beforeAll, describe, expect, it } from 'vitest';
import { train, TrainingDivergedError } from '@stratum/trainer';
import { resolveRunConfig } from '@stratum/run-config';
import { createLogger } from '../src/logger.js';
import { ConfigError } from '@stratum/run-config';
import { DatasetSpecError } from '@stratum/datasets';
import type { SuiteResults } from '@stratum/analysis';
import { analyse, EVALUATION_SEED, evaluateCheckpoint, extraDatasetSpecs, evaluationDatasetName, evaluationDatasetSpec, evaluationSettings, occludeForOccDrop, probeableTargets, reportRows, retrievableTargets, testSplitFor } from '../src/worker/evaluate.js';
import { EvaluationError, JobConfigError, classifyError, divergenceOf } from '../src/worker/errors.js';

/** A tiny nano run (width 32, one head, a one-layer decoder) trained on wasm before the describe's
 * tests; `checkpoint()` is its final checkpoint. */
function trainedTinyRun(shape: { regime: string; blocks: number; steps: number; depth: number }): { config: ReturnType<typeof resolveRunConfig>; checkpoint: () => Uint8Array } {
  const config = resolveRunConfig({
    preset: 'nano', regime: shape.regime, blocks: shape.blocks, steps: shape.steps, batchSize: 2, checkpointEvery: 0, backend: 'wasm',
    model: { depth: shape.depth, embedDim: 32, heads: 1, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 },
    dataset: { name: 'moving-mnist', count: 8, frames: 16, size: 32 },
  });
  let bytes: Uint8Array | undefined;
  beforeAll(async () => {
    await train(config, { onCheckpoint: (c) => void (bytes = c.bytes) });
  }, 60_000);
  return { config, checkpoint: () => bytes! };
}

describe('evaluation settings and sets', () => {
  it('defaults, and refuses unknown keys as a config error', () => {
    expect(evaluationSettings(undefined)).toMatchObject({ enabled: true, clips: 256, layers: false, everySteps: null, folds: 3 });
    expect(() => evaluationSettings({ clip: 10 })).toThrow(JobConfigError);
    expect(() => evaluationSettings({ clips: 2 })).toThrow(/evaluation\.clips/);
  });

  it('derives a fixed held-out set from the training dataset', () => {
    const s = evaluationSettings({ clips: 100 });
    const train = { name: 'moving-mnist' as const, count: 5000, size: 32, seed: 7 };
    expect(evaluationDatasetSpec(train, s)).toEqual({ name: 'moving-mnist', count: 100, size: 32, seed: EVALUATION_SEED, split: 'test' });
    // The run's own seed does not change the set: every run is evaluated on the same clips.
    expect(evaluationDatasetSpec({ ...train, seed: 8 }, s)).toEqual(evaluationDatasetSpec(train, s));
    expect(evaluationDatasetSpec({ name: 'gratings', size: 32 }, s)).toEqual({ name: 'gratings', size: 32, seed: EVALUATION_SEED, maxClips: 100 });
    // Textures: held-out clips (the test split's draws) of the same prototypes.
    expect(evaluationDatasetSpec({ name: 'textures', count: 4096 }, s)).toEqual({ name: 'textures', count: 100, seed: EVALUATION_SEED, split: 'test' });
    expect(evaluationDatasetName({ name: 'textures', split: 'test' })).toBe('textures/test');
    expect(evaluationDatasetSpec({ name: 'folder', root: '/d', mode: 'train' }, s)).toEqual({ name: 'folder', root: '/d', mode: 'eval', maxClips: 100 });
    expect(evaluationDatasetSpec({ name: 'folder', root: '/d', splitFile: 'lists/trainlist01.txt' }, s)).toEqual({
      name: 'folder', root: '/d', splitFile: 'lists/testlist01.txt', mode: 'eval', fraction: 0.3, seed: EVALUATION_SEED, maxClips: 100,
    });
    const explicit = { name: 'gratings', size: 16 };
    expect(evaluationDatasetSpec(train, evaluationSettings({ dataset: explicit }))).toEqual(explicit);
    expect(evaluationDatasetName({ name: 'moving-mnist', split: 'test' })).toBe('moving-mnist/test');
  });

  it('OccDrop keeps one random aligned patch per clip (one per half on double gratings), the same in every frame', () => {
    // 8 clips, 2 frames, 8×8 pixels, 1 channel, 2×2 patches
    const shape: [number, number, number, number, number] = [8, 2, 8, 8, 1];
    const clips = Float32Array.from({ length: 8 * 2 * 64 }, (_, i) => i + 1);
    const windows = (out: Float32Array) =>
      Array.from({ length: 8 }, (_, n) => {
        const kept: string[] = [];
        for (let f = 0; f < 2; f++)
          for (let y = 0; y < 8; y++)
            for (let x = 0; x < 8; x++) {
              const i = ((n * 2 + f) * 8 + y) * 8 + x;
              if (out[i] !== 0) {
                expect(out[i]).toBe(clips[i]);
                kept.push(`${f}:${y}:${x}`);
              }
            }
        return kept;
      });
    const single = windows(occludeForOccDrop(clips, shape, [2, 2], 'gratings', 1));
    for (const w of single) {
      expect(w.length).toBe(8); // one 2×2 window in each of 2 frames
      const [y, x] = w[0]!.split(':').slice(1).map(Number) as [number, number];
      expect(y % 2 === 0 && x % 2 === 0).toBe(true); // aligned to the patch grid
      expect(w.filter((k) => k.startsWith('1:')).map((k) => k.slice(2))).toEqual(w.filter((k) => k.startsWith('0:')).map((k) => k.slice(2)));
    }
    expect(new Set(single.map((w) => w[0])).size).toBeGreaterThan(1); // random, not the fixed centre
    expect(windows(occludeForOccDrop(clips, shape, [2, 2], 'gratings', 1))).toEqual(single); // seeded
    for (const w of windows(occludeForOccDrop(clips, shape, [2, 2], 'double-gratings', 1))) {
      const xs = w.filter((k) => k.startsWith('0:')).map((k) => Number(k.split(':')[2]));
      expect(xs.filter((x) => x < 4).length).toBe(4); // one window wholly in the left half
      expect(xs.filter((x) => x >= 4).length).toBe(4); // and one in the right
    }
  });

  it('skips targets a stratified k-fold cannot support', () => {
    const { targets, skipped } = probeableTargets({ a: [0, 0, 0, 1, 1, 1], b: [0, 0, 0, 0, 0, 0], c: [0, 0, 0, 0, 1, 1] }, 3);
    expect(targets).toEqual(['a']);
    expect(skipped.map((s) => s.target)).toEqual(['b', 'c']);
  });
});

describe('reportRows', () => {
  const report: SuiteResults = {
    dataset: 'moving-mnist/test',
    samples: 90,
    depths: [],
    targets: [],
    metrics: [
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', block: 2, layer: null, value: 0.5, std: 0.1, folds: [0.4, 0.5, 0.6], convention: 'paper-probe' },
      { kind: 'LINEAR_PROBE', metric: 'meanAccuracy', target: null, block: 2, layer: null, value: 0.4, std: null, folds: null, convention: 'paper-probe' },
      { kind: 'KNN_CLASSIFIER', metric: 'accuracy', target: 'digit', block: 1, layer: 3, value: 0.3, std: null, folds: null, convention: 'dino-knn' },
      { kind: 'CONSECUTIVE_CKA', metric: 'linear', target: null, block: 1, layer: null, value: 0.9, std: null, folds: null, convention: 'paper-linear-cka' },
      { kind: 'GEOMETRY', metric: 'isotropyRatio', target: null, block: 1, layer: null, value: 0.2, std: null, folds: null, convention: 'paper-spectrum' },
      { kind: 'GEOMETRY', metric: 'uniformity', target: null, block: 1, layer: null, value: Number.NaN, std: null, folds: null, convention: 'paper-uniformity' },
    ],
    similarity: [
      { kind: 'LINEAR_CKA', scope: 'BLOCK', labels: ['B1', 'B2'], blocks: [1, 2], layers: [null, null], values: [[1, 0.9], [0.9, 1]] },
      { kind: 'LINEAR_CKA', scope: 'LAYER', labels: ['L1'], blocks: [1], layers: [1], values: [[1]] },
    ],
    patches: [
      {
        block: 1, layer: null, tokenCosine: { mean: 0.25, std: 0.01, clips: 8 }, tokenNorm: { mean: 3, std: 0.5, min: 2, max: 4 }, tokenEffectiveRank: 12,
        tokenParticipationRatio: 6, attentionDistance: null, occlusion: { digit: { accFull: 0.5, accOccluded: 0.25, drop: 0.5 }, speed: { accFull: 0.8, accOccluded: 0.6, drop: 0.25 } },
        reconstructionError: null,
      },
    ],
    timingsMs: {},
  };

  it('maps every finite row onto the protocol, naming depth and target', () => {
    const rows = reportRows(report, 'mm', [{ block: 1, meanError: 0.7, trivialError: 0.8, error: [0.5, 0.9], grid: [1, 1, 2] }]);
    expect(rows.evaluations).toEqual([
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'mm', depthUnit: 'BLOCK', depth: 2, value: 0.5, std: 0.1, folds: [0.4, 0.5, 0.6], n: 90 },
      { kind: 'LINEAR_PROBE', metric: 'meanAccuracy', target: 'all', dataset: 'mm', depthUnit: 'BLOCK', depth: 2, value: 0.4, std: null, folds: [], n: 90 },
      { kind: 'KNN_ACCURACY', metric: 'accuracy', target: 'digit', dataset: 'mm', depthUnit: 'LAYER', depth: 3, value: 0.3, std: null, folds: [], n: 90 },
      { kind: 'GEOMETRY', metric: 'cka_next_linear', target: 'all', dataset: 'mm', depthUnit: 'BLOCK', depth: 1, value: 0.9, std: null, folds: [], n: 90 },
      { kind: 'GEOMETRY', metric: 'isotropyRatio', target: 'all', dataset: 'mm', depthUnit: 'BLOCK', depth: 1, value: 0.2, std: null, folds: [], n: 90 },
      { kind: 'RECONSTRUCTION', metric: 'mse', target: 'masked', dataset: 'mm', depthUnit: 'BLOCK', depth: 1, value: 0.7, folds: [], n: 90 },
      { kind: 'RECONSTRUCTION', metric: 'mse_trivial', target: 'masked', dataset: 'mm', depthUnit: 'BLOCK', depth: 1, value: 0.8, folds: [], n: 90 },
    ]);
    expect(rows.similarities).toEqual([{ kind: 'LINEAR_CKA', dataset: 'mm', rowLabels: ['B1', 'B2'], colLabels: ['B1', 'B2'], values: [1, 0.9, 0.9, 1] }]);
    expect(rows.patchDiagnostics).toEqual([
      {
        dataset: 'mm', block: 1, tokenCosine: 0.25, occDrop: 0.375, effectiveRank: 12, participationRatio: 6, isotropy: 0.2, uniformity: null,
        tokenNormMean: 3, tokenNormStd: 0.5, tokenNormMax: 4, attentionDistance: null, attentionDistanceSpatial: null, attentionDistanceTemporal: null,
        reconstructionError: [0.5, 0.9], reconstructionGrid: [1, 1, 2],
      },
    ]);
  });

  it('reports each probe accuracy with its chance level, 1 / the classes of its target', () => {
    const rows = reportRows({ ...report, targets: [{ name: 'digit', classes: 10 }, { name: 'speed', classes: 4 }] }, 'mm', []);
    const probes = rows.evaluations.filter((e) => e.kind === 'LINEAR_PROBE');
    expect(probes.map((e) => [e.metric, e.target, e.depth, e.value])).toEqual([
      ['accuracy', 'digit', 2, 0.5],
      ['accuracy_chance', 'digit', 2, 0.1],
      ['meanAccuracy', 'all', 2, 0.4],
    ]);
    // k-NN accuracy and the target-free rows get no chance row.
    expect(rows.evaluations.filter((e) => e.metric === 'accuracy_chance')).toHaveLength(1);
  });
});

describe('classifyError', () => {
  it('does not retry what fails the same way every time', () => {
    expect(classifyError(new ConfigError([{ path: 'model.heads', message: 'must divide embedDim=64' }]))).toEqual({ retryable: false, code: 'CONFIG' });
    expect(classifyError(new DatasetSpecError('gratings', 'size', 'must be an integer'))).toEqual({ retryable: false, code: 'CONFIG' });
    expect(classifyError(new JobConfigError('bad'))).toEqual({ retryable: false, code: 'CONFIG' });
    const diverged = Object.assign(new Error('training diverged'), { name: 'TrainingDivergedError' });
    expect(classifyError(diverged)).toEqual({ retryable: false, code: 'DIVERGED' });
    expect(classifyError(new EvaluationError(new Error('x'), false))).toEqual({ retryable: false, code: 'EVALUATION' });
  });

  it('reads the step, block and value of a divergence for failJob', () => {
    expect(divergenceOf(new TrainingDivergedError(37, 2, Number.NaN))).toEqual({ step: 37, block: 2, quantity: 'loss', value: 'NaN' });
    expect(divergenceOf(new TrainingDivergedError(5, null, -Infinity, 'gradient norm'))).toEqual({ step: 5, block: null, quantity: 'gradient norm', value: '-Infinity' });
    expect(divergenceOf(new Error('disk full'))).toBeUndefined();
  });

  it('retries what another attempt or agent may pass', () => {
    expect(classifyError(Object.assign(new Error('no GPU'), { name: 'BackendError' }))).toEqual({ retryable: true, code: 'BACKEND' });
    expect(classifyError(new Error('EIO: i/o error'))).toEqual({ retryable: true, code: 'INTERNAL' });
    expect(classifyError(new EvaluationError(new Error('ENOMEM'), true))).toEqual({ retryable: true, code: 'EVALUATION' });
  });
});

describe('evaluating what the set allows, failing once otherwise', () => {
  const log = createLogger('silent');
  const run = trainedTinyRun({ regime: 'simultaneous', blocks: 2, steps: 1, depth: 2 });
  const config = run.config;

  it('a set too small for any cross-validated probe still gets retrieval, geometry and CKA (it threw a TypeError)', async () => {
    // 12 clips, 10 folds: every label family has a class with fewer clips than folds.
    const result = await evaluateCheckpoint(run.checkpoint(), config, evaluationSettings({ clips: 12, folds: 10, tokenClips: 0 }), log);
    expect(result.evaluations.some((e) => e.kind === 'LINEAR_PROBE')).toBe(false);
    const retrieved = new Set(result.evaluations.filter((e) => e.kind === 'KNN_RETRIEVAL').map((e) => e.target));
    expect(retrieved.size).toBeGreaterThan(0);
    expect(result.evaluations.some((e) => e.kind === 'GEOMETRY')).toBe(true);
    expect(result.similarities.length).toBeGreaterThan(0);
  }, 60_000);

  it('reports mean spatial and temporal attention distance per block, and per layer with layers: true', async () => {
    const result = await evaluateCheckpoint(run.checkpoint(), config, evaluationSettings({ clips: 8, layers: true, tokenClips: 4 }), log);
    const rows = result.evaluations.filter((e) => e.metric.startsWith('attentionDistance'));
    expect(rows.map((e) => `${e.metric} ${e.depthUnit} ${e.depth}`).sort()).toEqual(
      ['BLOCK 1', 'BLOCK 2', 'LAYER 1', 'LAYER 2'].flatMap((d) => [`attentionDistanceSpatial ${d}`, `attentionDistanceTemporal ${d}`]).sort(),
    );
    // 16 frames of 32², tubelet (8, 4, 4): a 2×8×8 grid; distances lie within it.
    for (const e of rows) expect(e.value).toBeGreaterThan(0);
    for (const e of rows.filter((r) => r.metric === 'attentionDistanceTemporal')) expect(e.value).toBeLessThanOrEqual(8);
    for (const e of rows.filter((r) => r.metric === 'attentionDistanceSpatial')) expect(e.value).toBeLessThanOrEqual(28 * Math.SQRT2);
    for (const p of result.patchDiagnostics) expect(p.attentionDistanceSpatial).toBe(rows.find((e) => e.metric === 'attentionDistanceSpatial' && e.depthUnit === 'BLOCK' && e.depth === p.block)!.value);
  }, 60_000);

  it('labels retrieval can use: two classes, one of them repeated', () => {
    expect(retrievableTargets({ a: [0, 1, 1], b: [0, 1, 2], c: [3, 3, 3] })).toEqual(['a']);
  });

  it('a failure on extracted features is an evaluation error that is not retried', async () => {
    const depths = [{ block: 1, layer: null, pooled: { rows: 3, cols: 2, data: new Float32Array(6) } }];
    const error = await analyse({ name: 'x', depths, labels: { y: [0, 1, 1, 0] }, grid: [1, 1, 1], tubelet: [1, 1, 1], settings: evaluationSettings({}), log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvaluationError);
    expect(classifyError(error)).toEqual({ retryable: false, code: 'EVALUATION' });
    expect(String(error)).toMatch(/evaluation suite failed: evaluateRepresentations: B1 pooled features row 0 has zero norm/);
  });

  it('adds single and double gratings at the model clip shape to an RGB folder run; evaluation.datasets overrides', () => {
    const rgb = resolveRunConfig({ preset: 'nano', model: { channels: 3, height: 32, width: 32, frames: 16 }, dataset: { name: 'folder', root: '/d' } });
    expect(extraDatasetSpecs(rgb, evaluationSettings({ clips: 64 }))).toEqual([
      { name: 'gratings', size: 32, frames: 16, seed: EVALUATION_SEED, maxClips: 64 },
      { name: 'double-gratings', size: 32, frames: 16, seed: EVALUATION_SEED, maxClips: 64 },
    ]);
    expect(extraDatasetSpecs(rgb, evaluationSettings({ datasets: [] }))).toEqual([]);
    expect(extraDatasetSpecs(rgb, evaluationSettings({ datasets: [{ name: 'gratings', size: 32, maxClips: 10 }] }))).toEqual([{ name: 'gratings', size: 32, seed: EVALUATION_SEED, maxClips: 10 }]);
    expect(extraDatasetSpecs(config, evaluationSettings({}))).toEqual([]); // Moving MNIST: one channel
  });

  it('finds the test list of a UCF101-style training list', () => {
    const s = evaluationSettings({});
    expect(testSplitFor({ splitFile: 'ucfTrainTestlist/trainlist01.txt' }, s)).toBe('ucfTrainTestlist/testlist01.txt');
    expect(testSplitFor({ splitFile: '/data/ucf101/ucfTrainTestlist/TrainList02.txt' }, s)).toBe('/data/ucf101/ucfTrainTestlist/TestList02.txt');
    expect(testSplitFor({ splitFile: 'ucfTrainTestlist/all.txt' }, s)).toBeNull();
    expect(testSplitFor({}, s)).toBeNull();
    expect(testSplitFor({ splitFile: 'x/trainlist01.txt' }, evaluationSettings({ testSplitFile: 'y/held-out.txt' }))).toBe('y/held-out.txt');
  });
});

describe('an E2E run evaluated at every K of its sweep', () => {
  const log = createLogger('silent');
  // Trained once (K=2, the sweep's smallest), evaluated at the boundaries of K=2 and K=3.
  const run = trainedTinyRun({ regime: 'e2e', blocks: 2, steps: 2, depth: 6 });
  const config = run.config;

  it('reports every measurement at each K, tagged with it; layers and the decoder once per K as they apply', async () => {
    const result = await evaluateCheckpoint(run.checkpoint(), config, evaluationSettings({ clips: 24, folds: 2, tokenClips: 4, layers: true, partitions: [2, 3] }), log);
    const blocks = (k: number, kind: string, metric: string) =>
      result.evaluations.filter((e) => e.partition === k && e.depthUnit === 'BLOCK' && e.kind === kind && e.metric === metric && e.target === 'speed').map((e) => e.depth).sort();
    expect(blocks(2, 'LINEAR_PROBE', 'accuracy')).toEqual([1, 2]);
    expect(blocks(3, 'LINEAR_PROBE', 'accuracy')).toEqual([1, 2, 3]);
    expect(blocks(3, 'KNN_RETRIEVAL', 'mAP')).toEqual([1, 2, 3]);
    expect(result.evaluations.every((e) => e.partition === 2 || e.partition === 3)).toBe(true);
    // Layers do not depend on K: reported once, with the run's own K.
    const layers = result.evaluations.filter((e) => e.depthUnit === 'LAYER' && e.kind === 'LINEAR_PROBE' && e.metric === 'accuracy' && e.target === 'speed');
    expect(layers.map((e) => [e.depth, e.partition])).toEqual([1, 2, 3, 4, 5, 6].map((l) => [l, 2]));
    // The one decoder sits on the last block of either K.
    const recon = result.evaluations.filter((e) => e.kind === 'RECONSTRUCTION' && e.metric === 'mse');
    expect(recon.map((e) => [e.partition, e.depth])).toEqual([[2, 2], [3, 3]]);
    expect(recon[0]!.value).toBe(recon[1]!.value);

    // The last block of every K is the same features (after the final norm): equal values there.
    const value = (k: number, depth: number, kind: string, metric: string, unit = 'BLOCK') =>
      result.evaluations.find((e) => e.partition === k && e.depthUnit === unit && e.depth === depth && e.kind === kind && e.metric === metric && e.target === (kind === 'GEOMETRY' ? 'all' : 'speed'))!.value;
    expect(value(3, 3, 'KNN_RETRIEVAL', 'mAP')).toBe(value(2, 2, 'KNN_RETRIEVAL', 'mAP'));
    // Block 1 of K=2 is layer 3, block 1 of K=3 is layer 2, block 2 of K=3 is layer 4.
    expect(value(2, 1, 'KNN_RETRIEVAL', 'mAP')).toBe(value(2, 3, 'KNN_RETRIEVAL', 'mAP', 'LAYER'));
    expect(value(3, 1, 'KNN_RETRIEVAL', 'mAP')).toBe(value(2, 2, 'KNN_RETRIEVAL', 'mAP', 'LAYER'));
    expect(value(3, 2, 'KNN_RETRIEVAL', 'mAP')).toBe(value(2, 4, 'KNN_RETRIEVAL', 'mAP', 'LAYER'));

    // Block×block CKA and patch diagnostics per K, with that K's labels and blocks.
    const linear = result.similarities.filter((m) => m.kind === 'LINEAR_CKA');
    expect(linear.map((m) => [m.partition, m.rowLabels])).toEqual([[2, ['B1', 'B2']], [3, ['B1', 'B2', 'B3']]]);
    expect(result.patchDiagnostics.map((d) => [d.partition, d.block])).toEqual([[2, 1], [2, 2], [3, 1], [3, 2], [3, 3]]);
    expect(result.patchDiagnostics.find((d) => d.partition === 3 && d.block === 3)!.tokenCosine).toBe(result.patchDiagnostics.find((d) => d.partition === 2 && d.block === 2)!.tokenCosine);
  }, 120_000);

  it('refuses a K that does not divide the depth as a config error', async () => {
    await expect(evaluateCheckpoint(run.checkpoint(), config, evaluationSettings({ clips: 8, partitions: [2, 4] }), log)).rejects.toThrow(/evaluation\.partitions: K=4 does not divide the encoder depth 6/);
  });
});
