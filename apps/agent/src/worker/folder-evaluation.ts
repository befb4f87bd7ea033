// The paper's evaluation protocol for a folder run with split lists (UCF101 layout), after the
// released evaluation code (JosRor/BWSSL-for-Video-ViTs, evaluation/eva_run.py, experiment 003):
// the linear probe is fit on features of the train split (clips drawn as in training: random
// start frame, crop and flip) and scored on features of a held-out part of the test split
// (evaluation.testFraction of each class, centre clip and crop); this is repeated
// `evaluation.repeats` times, each repeat drawing fresh training crops and a fresh test subset, and
// the accuracy reported is the mean over repeats (std and per-repeat values kept). Retrieval,
// geometry, CKA and the patch diagnostics are computed on the first repeat's test features.
// Clips stream through the encoder in chunks, so memory holds features, never the split's clips.
import { assembleBatch, FolderVideos, mapLimit, type ClipBatch, type FolderOptions } from '@stratum/datasets';
import type { MetricRow } from '@stratum/analysis';
import type { RunConfig } from '@stratum/run-config';
import type { Logger } from '../logger.js';
import { EvaluationError, JobConfigError } from './errors.js';
import { analyse, attentionFor, roundTimes, type DepthFeatures } from './evaluate.js';
import { EVALUATION_SEED, type EvaluationSettings } from './evaluation-settings.js';
import { reportRows, type EvaluationResult } from './report-rows.js';

type Trainer = typeof import('@stratum/trainer');
type Model = ReturnType<Trainer['modelFromCheckpoint']>['model'];

/** Clips per forward pass while extracting, and per decoder process. */
const CHUNK = 32;
const GROUP = 8;

interface Extracted {
  labels: Int32Array;
  /** Block boundaries, then layers (with `layers`), in embed's order. */
  depths: Array<{ block: number; layer: number | null; pooled: Float32Array; tokens: Float32Array }>;
  dim: number;
  tokens: number;
  tokenClips: number;
  grid: [number, number, number];
  /** Attention probabilities summed over the clips, per layer (when asked for). */
  attention: Map<number, { block: number; layer: number; blockEnd: boolean; heads: number; tokens: number; data: Float64Array }>;
  /** Summed reconstruction errors per decoder (when asked for). */
  reconstruction: Map<number | null, { sum: Float64Array; count: Int32Array; total: number; trivial: number; n: number }>;
}

/**
 * Features of `indices` of `videos` (augmentations of `epoch`), chunk by chunk: the next chunk
 * decodes while the current one runs through the encoder.
 */
async function extract(
  trainer: Trainer,
  model: Model,
  videos: FolderVideos,
  indices: readonly number[],
  epoch: number,
  want: { layers: boolean; tokenClips: number; diagnostics: boolean; seed: number; partition: number },
): Promise<Extracted> {
  const N = indices.length;
  const target = videos.targets[0]!.name;
  // Each chunk decodes in groups of GROUP clips per ffmpeg process, `concurrency` processes at once.
  const load = async (start: number): Promise<ClipBatch> => {
    const chunk = indices.slice(start, start + CHUNK);
    const groups = Array.from({ length: Math.ceil(chunk.length / GROUP) }, (_, g) => chunk.slice(g * GROUP, (g + 1) * GROUP));
    const samples = await mapLimit(groups, videos.config.concurrency, (g) => videos.loadMany(g.map((index) => ({ index, epoch }))));
    return assembleBatch(videos.shape, videos.targets, samples.flat());
  };
  const out: Extracted = { labels: new Int32Array(N), depths: [], dim: 0, tokens: 0, tokenClips: Math.min(want.tokenClips, N), grid: [0, 0, 0], attention: new Map(), reconstruction: new Map() };
  let pending = load(0);
  for (let start = 0; start < N; start += CHUNK) {
    const batch = await pending;
    if (start + CHUNK < N) {
      pending = load(start + CHUNK);
      pending.catch(() => undefined); // surfaced when awaited
    }
    const B = batch.shape[0];
    out.labels.set(batch.labels[target]!, start);
    const clips = { clips: batch.clips, shape: batch.shape };
    const emb = await trainer.embed(model, clips, { layers: want.layers, tokens: start < out.tokenClips, tokenClips: Math.max(0, out.tokenClips - start), attention: want.diagnostics, partition: want.partition });
    for (const a of emb.attention ?? []) {
      const acc = out.attention.get(a.layer) ?? { ...a, data: new Float64Array(a.data.length) };
      a.data.forEach((v, i) => (acc.data[i]! += v * B)); // embed returns the chunk's mean
      out.attention.set(a.layer, acc);
    }
    const sets = [...emb.blocks, ...(emb.layers ?? [])];
    if (out.depths.length === 0) {
      const [, T, D] = sets[0]!.tokenShape;
      Object.assign(out, { dim: D, tokens: T, grid: emb.grid });
      out.depths = sets.map((f) => ({ block: f.block, layer: f.layer, pooled: new Float32Array(N * D), tokens: new Float32Array(out.tokenClips * T * D) }));
    }
    sets.forEach((f, i) => {
      const d = out.depths[i]!;
      d.pooled.set(f.pooled, start * out.dim);
      const keep = Math.max(0, Math.min(B, out.tokenClips - start));
      if (keep > 0) d.tokens.set(f.tokens.subarray(0, keep * out.tokens * out.dim), start * out.tokens * out.dim);
    });
    if (want.diagnostics) {
      for (const m of await trainer.reconstructionError(model, clips, { seed: want.seed + start })) {
        const acc = out.reconstruction.get(m.block) ?? { sum: new Float64Array(m.error.length), count: new Int32Array(m.error.length), total: 0, trivial: 0, n: 0 };
        m.count.forEach((c, p) => {
          if (c > 0) {
            acc.sum[p]! += m.error[p]! * c;
            acc.count[p]! += c;
          }
        });
        const masked = m.count.reduce((a, b) => a + b, 0);
        acc.total += m.meanError * masked;
        acc.trivial += m.trivialError * masked;
        acc.n += masked;
        out.reconstruction.set(m.block, acc);
      }
    }
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const popStd = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** The train → test protocol at the block boundaries of `partition` (default: the run's K). */
export async function evaluateFolderRun(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, testSplit: string, log: Logger, partition = config.blocks): Promise<EvaluationResult> {
  if (config.dataset.name !== 'folder') throw new JobConfigError(`the train → test protocol needs a folder dataset, got "${config.dataset.name}"`);
  const started = performance.now();
  const timingsMs: Record<string, number> = { data: 0, embed: 0, probes: 0 };
  const { name: _name, maxClips: _maxClips, ...folder } = config.dataset as { name: 'folder'; maxClips?: number } & FolderOptions;
  const trainer = await import('@stratum/trainer');
  const { logisticProbe } = await import('@stratum/analysis');
  const name = 'folder/test';

  let t = performance.now();
  // The same clips for every run: seeded by EVALUATION_SEED, not the run's seed.
  const trainVideos = await FolderVideos.open({ ...folder, mode: 'train', seed: EVALUATION_SEED });
  const openTest = (repeat: number) => FolderVideos.open({ ...folder, splitFile: testSplit, mode: 'eval', fraction: settings.testFraction, seed: EVALUATION_SEED + repeat });
  timingsMs.data! += performance.now() - t;

  const { model } = trainer.modelFromCheckpoint(checkpoint);
  try {
    const accuracies = new Map<string, number[]>(); // depth label → accuracy per repeat
    let first: { test: Extracted; trainClips: number } | null = null;
    let previous: { keys: string; features: Extracted } | null = null;
    for (let r = 0; r < settings.repeats; r++) {
      t = performance.now();
      const testVideos = await openTest(r);
      timingsMs.data! += performance.now() - t;
      const trainIdx = settings.trainClips === null ? trainVideos.videos.map((_, i) => i) : trainVideos.balancedOrder(EVALUATION_SEED + r).slice(0, settings.trainClips);
      t = performance.now();
      const train = await extract(trainer, model, trainVideos, trainIdx, r, { layers: settings.layers, tokenClips: 0, diagnostics: false, seed: 0, partition });
      // A test subset equal to the previous repeat's (e.g. testFraction 1) has the same centre-crop features.
      const keys = testVideos.videos.map((v) => v.key).join('\n');
      const test: Extracted =
        previous?.keys === keys
          ? previous.features
          : await extract(trainer, model, testVideos, testVideos.videos.map((_, i) => i), 0, { layers: settings.layers, tokenClips: r === 0 ? settings.tokenClips : 0, diagnostics: r === 0, seed: settings.seed, partition });
      previous = { keys, features: test };
      first ??= { test, trainClips: trainIdx.length };
      timingsMs.embed! += performance.now() - t;

      t = performance.now();
      try {
        train.depths.forEach((d, i) => {
          const x = (features: Extracted) => ({ rows: features.labels.length, cols: features.dim, data: features.depths[i]!.pooled });
          const { accuracy } = logisticProbe({ x: x(train), y: train.labels }, { x: x(test), y: test.labels }, { C: 1 });
          const label = `${d.block}:${d.layer}`;
          accuracies.set(label, [...(accuracies.get(label) ?? []), accuracy]);
        });
      } catch (error) {
        throw new EvaluationError(error, false);
      }
      timingsMs.probes! += performance.now() - t;
    }

    const test = first!.test;
    const K = partition; // the E2E decoder sits on the last block of whichever K
    const reconstruction = [...test.reconstruction.entries()].map(([block, acc]) => ({
      block: block ?? K,
      meanError: acc.total / acc.n,
      trivialError: acc.trivial / acc.n,
      error: Float32Array.from(acc.sum, (s, p) => (acc.count[p]! > 0 ? s / acc.count[p]! : Number.NaN)),
      grid: test.grid,
    }));
    const attention = [...test.attention.values()].map((a) => ({ ...a, data: Float32Array.from(a.data, (v) => v / test.labels.length) }));
    const depths: DepthFeatures[] = test.depths.map((d) => {
      const map = d.layer === null ? reconstruction.find((m) => m.block === d.block) : undefined;
      return {
        block: d.block,
        layer: d.layer,
        pooled: { rows: test.labels.length, cols: test.dim, data: d.pooled },
        ...(test.tokenClips > 0 ? { tokens: { clips: test.tokenClips, tokens: test.tokens, dim: test.dim, data: d.tokens } } : {}),
        ...(map && map.error.every((v) => Number.isFinite(v)) ? { reconstructionError: map.error } : {}),
        ...attentionFor(attention, d.block, d.layer),
      };
    });
    const target = trainVideos.targets[0]!.name;
    t = performance.now();
    const report = await analyse({ name, depths, labels: { [target]: test.labels }, grid: test.grid, tubelet: config.model.tubelet, settings, log, probes: false });
    timingsMs.analysis = performance.now() - t;

    const probeRows: MetricRow[] = test.depths.map((d) => {
      const folds = accuracies.get(`${d.block}:${d.layer}`)!;
      return { kind: 'LINEAR_PROBE', metric: 'accuracy', target, block: d.block, layer: d.layer, value: mean(folds), std: popStd(folds), folds, convention: 'paper-probe-train-test' };
    });
    timingsMs.total = performance.now() - started;
    log.info(
      { dataset: name, testSplit, trainClips: first!.trainClips, testClips: first!.test.labels.length, repeats: settings.repeats, timingsMs: roundTimes(timingsMs) },
      'evaluation suite finished (train → test probe)',
    );
    return { ...reportRows({ ...report, metrics: [...probeRows, ...report.metrics] }, name, reconstruction), timingsMs };
  } finally {
    model.dispose();
  }
}
