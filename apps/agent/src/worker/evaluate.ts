// The evaluation suite as a job runs it, on every evaluation set of the run (the main one and
// `extraDatasetSpecs`): a folder run with split lists follows the paper's train → test protocol
// (folder-evaluation.ts); other sets are fixed and held in memory — features at every block
// boundary with masking off (trainer.embed), attention maps, each decoder's reconstruction error
// per token position, OccDrop on gratings, then analysis.evaluateRepresentations; reports are
// mapped onto the protocol's rows by report-rows.ts. Block depths are measured at every K of
// `evaluation.partitions` (default the run's K) — a sweep trains E2E once per size and seed and
// reads it at the boundaries of each of its K — and every row is tagged with its K.
import type { DatasetSpec } from '@stratum/datasets';
import { batchOf, createDataset, keepRandomPatches } from '@stratum/datasets';
import type { EvaluationInput, SuiteResults } from '@stratum/analysis';
import type { Embeddings } from '@stratum/trainer';
import type { RunConfig } from '@stratum/run-config';
import type { Logger } from '../logger.js';
import { EvaluationError, JobConfigError } from './errors.js';
import { evaluationDatasetName, evaluationDatasetSpec, extraDatasetSpecs, testSplitFor, type EvaluationSettings } from './evaluation-settings.js';
import { atPartition, reportRows, type EvaluationResult } from './report-rows.js';

export * from './evaluation-settings.js';
export * from './report-rows.js';

/**
 * OccDrop's input (the paper's occluder): each clip keeps one random patch-sized window aligned
 * to the tubelet grid, the same in every frame, on double gratings one per half; the rest is
 * zeroed. Positions are seeded, so a checkpoint's evaluation is reproducible.
 */
export function occludeForOccDrop(clips: Float32Array, shape: [number, number, number, number, number], patch: [number, number], dataset: string, seed: number): Float32Array {
  return keepRandomPatches(clips, shape, { patch, halves: dataset === 'double-gratings', seed }).clips;
}

/**
 * Runs the suite on a checkpoint's weights. A folder run with a test split list follows the
 * paper's protocol (folder-evaluation.ts); every other run uses a fixed evaluation set with
 * cross-validated probes. Failures while computing on extracted features are not retried (the
 * same weights and clips fail the same way); failures while reading data may be.
 */
export async function evaluateCheckpoint(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, log: Logger): Promise<EvaluationResult> {
  checkPartitions(config, settings);
  const results = [await evaluateMainSet(checkpoint, config, settings, log)];
  for (const spec of extraDatasetSpecs(config, settings)) results.push(await evaluateFixedSet(checkpoint, config, settings, spec, log));
  return {
    evaluations: results.flatMap((r) => r.evaluations),
    similarities: results.flatMap((r) => r.similarities),
    patchDiagnostics: results.flatMap((r) => r.patchDiagnostics),
    timingsMs: Object.fromEntries(results.flatMap((r, i) => Object.entries(r.timingsMs).map(([k, v]) => [i === 0 ? k : `${r.dataset}.${k}`, v]))),
  };
}

/** The K values to evaluate at, the run's own first; each must divide the encoder depth. */
export function partitionsOf(config: RunConfig, settings: EvaluationSettings): number[] {
  const ks = settings.partitions ?? [config.blocks];
  return [...new Set(ks.includes(config.blocks) ? [config.blocks, ...ks] : ks)];
}

function checkPartitions(config: RunConfig, settings: EvaluationSettings): void {
  const bad = partitionsOf(config, settings).filter((k) => config.model.depth % k !== 0);
  if (bad.length) throw new JobConfigError(`evaluation.partitions: K=${bad.join(', ')} does not divide the encoder depth ${config.model.depth}`);
}

async function evaluateMainSet(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, log: Logger): Promise<EvaluationResult & { dataset: string }> {
  if (config.dataset.name === 'folder' && !settings.dataset) {
    const testSplit = testSplitFor(config.dataset, settings);
    if (testSplit) {
      const { evaluateFolderRun } = await import('./folder-evaluation.js');
      // The train → test protocol streams its clips once per K (layers with the first only).
      const parts: EvaluationResult[] = [];
      for (const [i, k] of partitionsOf(config, settings).entries()) {
        const result = await evaluateFolderRun(checkpoint, config, { ...settings, layers: settings.layers && i === 0 }, testSplit, log, k);
        parts.push({ ...atPartition(result, k), timingsMs: result.timingsMs });
      }
      return { ...mergeResults(parts), dataset: 'folder/test' };
    }
    log.warn({ root: config.dataset.root }, 'folder run without a split list: evaluating clips of the training videos with cross-validated probes (give dataset.splitFile / evaluation.testSplitFile for the train → test protocol)');
  }
  return evaluateFixedSet(checkpoint, config, settings, evaluationDatasetSpec(config.dataset, settings), log);
}

/** A fixed evaluation set held in memory, with cross-validated probes (and OccDrop on gratings). */
async function evaluateFixedSet(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, spec: DatasetSpec, log: Logger): Promise<EvaluationResult & { dataset: string }> {
  const started = performance.now();
  const trainer = await import('@stratum/trainer');
  const dataset = await createDataset(spec);
  checkFits(config, dataset, spec);
  const name = evaluationDatasetName(spec);
  const n = Math.min(dataset.size, settings.clips);
  const batch = batchOf(dataset, Array.from({ length: n }, (_, i) => i));
  const clips = { clips: batch.clips, shape: batch.shape };
  const timingsMs: Record<string, number> = { data: performance.now() - started };

  let t = performance.now();
  const maps = await trainer.reconstructionError(checkpoint, clips, { seed: settings.seed });
  timingsMs.reconstruction = performance.now() - t;
  const occlusion = settings.occlusion ?? (spec.name === 'gratings' || spec.name === 'double-gratings');
  const [, ph, pw] = config.model.tubelet;
  const kept = occlusion ? occludeForOccDrop(batch.clips, batch.shape, [ph, pw], spec.name, settings.seed) : null;

  // The run's own K (with layers, when asked for), then every further K at its block boundaries.
  const parts: Array<Omit<EvaluationResult, 'timingsMs'>> = [];
  for (const [i, K] of partitionsOf(config, settings).entries()) {
    const layers = settings.layers && i === 0;
    t = performance.now();
    // One forward pass: pooled features of every clip, tokens of the first tokenClips, attention.
    const embeddings = await trainer.embed(checkpoint, clips, { layers, tokens: settings.tokenClips > 0, tokenClips: settings.tokenClips, attention: true, partition: K });
    timingsMs.embed = (timingsMs.embed ?? 0) + performance.now() - t;
    // A blockwise decoder sits on its block; the E2E decoder on the last block of whichever K.
    const reconstruction = maps.map((m) => ({ block: m.block ?? K, meanError: m.meanError, trivialError: m.trivialError, error: m.error, grid: m.grid }));
    let occluded: Embeddings | null = null;
    if (kept) {
      t = performance.now();
      occluded = await trainer.embed(checkpoint, { clips: kept, shape: batch.shape }, { layers, tokens: false, partition: K });
      timingsMs.occlusion = (timingsMs.occlusion ?? 0) + performance.now() - t;
    }
    t = performance.now();
    const report = await analyseAt(embeddings, occluded, reconstruction, { name, n, labels: batch.labels, config, settings, log });
    timingsMs.analysis = (timingsMs.analysis ?? 0) + performance.now() - t;
    parts.push(atPartition(reportRows(report, name, reconstruction), K));
  }
  timingsMs.total = performance.now() - started;
  log.info({ dataset: name, clips: n, partitions: partitionsOf(config, settings), timingsMs: roundTimes(timingsMs) }, 'evaluation suite finished');
  return { ...mergeResults(parts.map((p) => ({ ...p, timingsMs: {} }))), timingsMs, dataset: name };
}

function mergeResults(parts: EvaluationResult[]): EvaluationResult {
  return {
    evaluations: parts.flatMap((p) => p.evaluations),
    similarities: parts.flatMap((p) => p.similarities),
    patchDiagnostics: parts.flatMap((p) => p.patchDiagnostics),
    timingsMs: Object.assign({}, ...parts.map((p) => p.timingsMs)) as Record<string, number>,
  };
}

/** The suite on one partition's features (and the layers', when embedded with them). */
async function analyseAt(
  embeddings: Embeddings, occluded: Embeddings | null,
  reconstruction: Array<{ block: number; error: Float32Array }>,
  ctx: { name: string; n: number; labels: Record<string, ArrayLike<number>>; config: RunConfig; settings: EvaluationSettings; log: Logger },
): Promise<SuiteResults> {
  const { settings, n } = ctx;

  const tokenClips = Math.min(settings.tokenClips, n);
  const toDepth = (f: (typeof embeddings.blocks)[number], occ: (typeof embeddings.blocks)[number] | undefined): DepthFeatures => ({
    block: f.block,
    layer: f.layer,
    pooled: { rows: f.pooledShape[0], cols: f.pooledShape[1], data: f.pooled },
    ...(tokenClips > 0 && f.tokens.length ? { tokens: { clips: tokenClips, tokens: f.tokenShape[1], dim: f.tokenShape[2], data: f.tokens.subarray(0, tokenClips * f.tokenShape[1] * f.tokenShape[2]) } } : {}),
    ...(occ ? { occludedPooled: { rows: occ.pooledShape[0], cols: occ.pooledShape[1], data: occ.pooled } } : {}),
    ...(f.layer === null ? reconstructionFor(reconstruction, f.block) : {}),
    ...attentionFor(embeddings.attention ?? [], f.block, f.layer),
  });
  const depths = [
    ...embeddings.blocks.map((f, i) => toDepth(f, occluded?.blocks[i])),
    ...(embeddings.layers ?? []).map((f, i) => toDepth(f, occluded?.layers?.[i])),
  ];
  return analyse({ name: ctx.name, depths, labels: ctx.labels, grid: embeddings.grid, tubelet: ctx.config.model.tubelet, settings, log: ctx.log });
}

function checkFits(config: RunConfig, dataset: { name: string; shape: { frames: number; height: number; width: number; channels: number } }, spec: DatasetSpec): void {
  const m = config.model;
  const s = dataset.shape;
  if (s.frames !== m.frames || s.height !== m.height || s.width !== m.width || s.channels !== m.channels) {
    throw new JobConfigError(
      `evaluation set "${evaluationDatasetName(spec)}" yields ${s.frames}×${s.height}×${s.width}×${s.channels} clips but the model expects ${m.frames}×${m.height}×${m.width}×${m.channels} (set its frames/size in evaluation.datasets)`,
    );
  }
}

export function roundTimes(timingsMs: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timingsMs).map(([k, v]) => [k, Math.round(v)]));
}

/** One depth's features as the analysis suite takes them. */
export type DepthFeatures = EvaluationInput['depths'][number];

/**
 * The analysis suite over extracted features, evaluating every label family as far as the set
 * allows: cross-validated probes (unless `probes: false`) where every class has a clip per fold,
 * retrieval and k-NN where some class repeats; geometry and CKA always. Anything thrown here is
 * an EvaluationError that is not retried: the same features fail the same way every time.
 */
export async function analyse(input: {
  name: string;
  depths: DepthFeatures[];
  labels: Record<string, ArrayLike<number>>;
  grid: [number, number, number];
  tubelet: [number, number, number];
  settings: EvaluationSettings;
  log: Logger;
  probes?: boolean;
}): Promise<SuiteResults> {
  const { evaluateRepresentations, evaluateRepresentationsInParallel } = await import('@stratum/analysis');
  const { settings, log } = input;
  try {
    const probes = input.probes ?? true;
    const { targets: probeable, skipped } = probeableTargets(input.labels, settings.folds);
    const retrievable = retrievableTargets(input.labels);
    if (probes && skipped.length) log.warn({ skipped, folds: settings.folds }, 'targets the evaluation set cannot probe with cross-validation are not probed (enlarge evaluation.clips)');
    const notRetrievable = Object.keys(input.labels).filter((t) => !retrievable.includes(t));
    if (notRetrievable.length) log.warn({ targets: notRetrievable }, 'targets with no repeated class in the evaluation set have no retrieval metrics');
    const [gt, gh, gw] = input.grid;
    const [pt, ph, pw] = input.tubelet;
    const base = { dataset: input.name, depths: input.depths, labels: input.labels as Record<string, ArrayLike<number> & Int32Array>, grid: { t: gt, h: gh, w: gw }, patchSize: { t: pt, h: ph, w: pw } };
    const options = { probe: { folds: settings.folds, seed: settings.seed } };
    // Probeable targets (every class ≥ folds ≥ 2 clips) are retrievable too: the full suite on
    // them (geometry, CKA and patches do not depend on targets), then retrieval alone for the rest.
    const probed = probes ? probeable : [];
    // The probes run on a worker thread beside the rest of the suite.
    const main = await evaluateRepresentationsInParallel(base, { ...options, targets: probed, probes: probed.length > 0, retrievals: probed.length > 0 });
    const rest = retrievable.filter((t) => !probed.includes(t));
    if (rest.length === 0) return main;
    const extra = evaluateRepresentations(base, { ...options, targets: rest, probes: false, geometry: false, similarity: false, patches: false });
    return { ...main, targets: [...main.targets, ...extra.targets.filter((t) => !main.targets.some((m) => m.name === t.name))], metrics: [...main.metrics, ...extra.metrics] };
  } catch (error) {
    throw new EvaluationError(error, false);
  }
}

/** Label families with at least two classes and a class that occurs twice (a query with a relevant item). */
export function retrievableTargets(labels: Record<string, ArrayLike<number>>): string[] {
  return Object.entries(labels)
    .filter(([, y]) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < y.length; i++) counts.set(y[i]!, (counts.get(y[i]!) ?? 0) + 1);
      return counts.size >= 2 && [...counts.values()].some((c) => c >= 2);
    })
    .map(([t]) => t);
}

/**
 * Label families the suite can evaluate on this set: at least two classes, and every class
 * with at least `folds` clips (stratified k-fold needs one per fold).
 */
export function probeableTargets(labels: Record<string, ArrayLike<number>>, folds: number): { targets: string[]; skipped: Array<{ target: string; reason: string }> } {
  const targets: string[] = [];
  const skipped: Array<{ target: string; reason: string }> = [];
  for (const [target, y] of Object.entries(labels)) {
    const counts = new Map<number, number>();
    for (let i = 0; i < y.length; i++) counts.set(y[i]!, (counts.get(y[i]!) ?? 0) + 1);
    const smallest = Math.min(...counts.values());
    if (counts.size < 2) skipped.push({ target, reason: 'a single class' });
    else if (smallest < folds) skipped.push({ target, reason: `a class with ${smallest} clip(s), fewer than ${folds} folds` });
    else targets.push(target);
  }
  return { targets, skipped };
}

/** The attention of a depth: its layer's, or for a block boundary the block's last layer's. */
export function attentionFor(maps: ReadonlyArray<{ block: number; layer: number; blockEnd: boolean; heads: number; tokens: number; data: Float32Array }>, block: number, layer: number | null): { attention?: { heads: number; tokens: number; data: Float32Array } } {
  const map = maps.find((m) => (layer === null ? m.blockEnd && m.block === block : m.layer === layer));
  return map ? { attention: { heads: map.heads, tokens: map.tokens, data: map.data } } : {};
}

function reconstructionFor(maps: Array<{ block: number; error: Float32Array }>, block: number): { reconstructionError?: Float32Array } {
  const map = maps.find((m) => m.block === block);
  // Positions never masked in this set have no error (NaN): leave the map out rather than invent one.
  if (!map || !map.error.every((v) => Number.isFinite(v))) return {};
  return { reconstructionError: map.error };
}
