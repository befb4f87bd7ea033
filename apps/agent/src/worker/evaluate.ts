// The evaluation suite as a job runs it: a fixed evaluation set per dataset, features at every
// block boundary with masking off (trainer.embed), each decoder's reconstruction error per
// token position, OccDrop on gratings, then analysis.evaluateRepresentations; its report is
// mapped onto the protocol's reportEvaluation / reportSimilarity / reportPatchDiagnostics rows.
import type { DatasetSpec } from '@stratum/datasets';
import { batchOf, createDataset } from '@stratum/datasets';
import type { EvaluationInput, EvaluationReport, MetricRow } from '@stratum/analysis';
import type { RunConfig } from '@stratum/trainer/config';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { EvaluationError, JobConfigError } from './errors.js';
import type { EvaluationValue, PatchDiagnosticValue, SimilarityValue } from './messages.js';

/** Seeds every default evaluation set: the same clips for every run, whatever the run's seed. */
export const EVALUATION_SEED = 1_000_003;

const settingsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('run the suite at the end of training'),
  clips: z.number().int().min(8).max(20_000).default(256).describe('size of the fixed evaluation set'),
  tokenClips: z.number().int().min(0).max(20_000).default(64).describe('clips whose token features feed the patch diagnostics'),
  layers: z.boolean().default(false).describe('also evaluate after every encoder layer'),
  occlusion: z.boolean().optional().describe('OccDrop (one patch kept); default on for gratings datasets'),
  everySteps: z.number().int().min(1).nullable().default(null).describe('also evaluate at checkpoints whose step is a multiple of this'),
  folds: z.number().int().min(2).max(10).default(3).describe('stratified CV folds of the linear probes'),
  seed: z.number().int().default(0).describe('seeds the probe folds and the reconstruction masks'),
  dataset: z.looseObject({ name: z.string().min(1) }).optional().describe('an explicit evaluation dataset spec (default: derived from the training one)'),
  // Folder runs with a split list (UCF101 layout): the paper's protocol, a probe fit on train-split
  // features and scored on a held-out part of the test split, repeated.
  testSplitFile: z.string().min(1).optional().describe('the test split list of a folder run (default: the training list with train → test, e.g. testlist01.txt)'),
  testFraction: z.number().gt(0).max(1).default(0.3).describe('part of each class of the test split evaluated; the paper uses 30%'),
  repeats: z.number().int().min(1).max(10).default(3).describe('train → test probe repeats (fresh train crops and test subset each); the paper repeats 3 times'),
  trainClips: z.number().int().min(2).nullable().default(null).describe('cap on the train-split clips the probe is fit on, class-balanced (default: the whole split, as the paper)'),
  datasets: z
    .array(z.looseObject({ name: z.string().min(1) }))
    .max(8)
    .optional()
    .describe("further evaluation sets in the same job, each stored under its own dataset name; default for an RGB folder run: single and double gratings at the model's clip shape (the paper's low-level and relational families next to action)"),
});

export type EvaluationSettings = z.infer<typeof settingsSchema>;

/** Parses the run config's optional `evaluation` key; a bad one is a config error (not retried). */
export function evaluationSettings(raw: unknown): EvaluationSettings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `evaluation.${i.path.join('.')}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`);
    throw new JobConfigError(`invalid evaluation settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The fixed evaluation set for a training dataset: held-out digits (Moving MNIST's test split)
 * with a fixed seed; a fixed balanced subsample of the grating grids; a folder's clips in
 * evaluation mode (centre clip, centre crop), from its test split when it has one (the
 * comparison job's set; the folder suite itself streams, see folder-evaluation.ts).
 * `settings.dataset` overrides all of this.
 */
export function evaluationDatasetSpec(train: DatasetSpec, settings: EvaluationSettings): DatasetSpec {
  if (settings.dataset) return settings.dataset as DatasetSpec;
  switch (train.name) {
    case 'moving-mnist':
      return { ...train, split: 'test', seed: EVALUATION_SEED, count: settings.clips };
    case 'gratings':
    case 'double-gratings':
      return { ...train, seed: EVALUATION_SEED, maxClips: settings.clips };
    case 'folder': {
      // Held-out videos where the folder has a test split (as the probe protocol uses), else the training ones.
      const testSplit = testSplitFor(train, settings);
      if (testSplit) return { ...train, splitFile: testSplit, mode: 'eval', fraction: settings.testFraction, seed: EVALUATION_SEED, maxClips: settings.clips };
      return { ...train, mode: 'eval', maxClips: settings.clips };
    }
    default:
      return train;
  }
}

export function evaluationDatasetName(spec: DatasetSpec): string {
  const split = spec.name === 'moving-mnist' ? (spec.split ?? 'train') : spec.name === 'folder' ? (spec.mode ?? 'eval') : 'grid';
  return `${spec.name}/${split}`;
}

export interface EvaluationResult {
  evaluations: EvaluationValue[];
  similarities: SimilarityValue[];
  patchDiagnostics: PatchDiagnosticValue[];
  timingsMs: Record<string, number>;
}

/** The report rows' kinds as the API names them. */
const KIND: Record<MetricRow['kind'], string> = {
  LINEAR_PROBE: 'LINEAR_PROBE',
  KNN_RETRIEVAL: 'KNN_RETRIEVAL',
  KNN_CLASSIFIER: 'KNN_ACCURACY',
  GEOMETRY: 'GEOMETRY',
  // Consecutive-depth CKA is a property of the representation at this depth (vs the next):
  // stored with the geometry rows, under its own metric name (the full matrices are reported too).
  CONSECUTIVE_CKA: 'GEOMETRY',
};

function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** Maps the analysis report onto the protocol's inputs (pure; tested). */
export function reportRows(report: EvaluationReport, dataset: string, reconstruction: Array<{ block: number; meanError: number; error: Float32Array | number[]; grid: [number, number, number] }>): Omit<EvaluationResult, 'timingsMs'> {
  const evaluations: EvaluationValue[] = [];
  for (const row of report.metrics) {
    const value = finite(row.value);
    if (value === null) continue;
    evaluations.push({
      kind: KIND[row.kind],
      metric: row.kind === 'CONSECUTIVE_CKA' ? `cka_next_${row.metric}` : row.metric,
      target: row.target ?? 'all',
      dataset,
      depthUnit: row.layer === null ? 'BLOCK' : 'LAYER',
      depth: row.layer ?? row.block,
      value,
      std: finite(row.std),
      folds: (row.folds ?? []).filter((f) => Number.isFinite(f)),
      n: report.samples,
    });
  }
  // Mean attention distance per depth (block boundaries and, with layers, every layer).
  for (const p of report.patches) {
    for (const [metric, value] of [['attentionDistanceSpatial', p.attentionDistance?.spatial], ['attentionDistanceTemporal', p.attentionDistance?.temporal]] as const) {
      const v = finite(value);
      if (v !== null) evaluations.push({ kind: 'GEOMETRY', metric, target: 'all', dataset, depthUnit: p.layer === null ? 'BLOCK' : 'LAYER', depth: p.layer ?? p.block, value: v, folds: [], n: report.samples });
    }
  }
  for (const r of reconstruction) {
    const value = finite(r.meanError);
    if (value !== null) evaluations.push({ kind: 'RECONSTRUCTION', metric: 'mse', target: 'masked', dataset, depthUnit: 'BLOCK', depth: r.block, value, folds: [], n: report.samples });
  }
  // Block-scope matrices only: the API keeps one matrix per (kind, step, dataset).
  const similarities: SimilarityValue[] = report.similarity
    .filter((m) => m.scope === 'BLOCK' && m.values.every((row) => row.every((v) => Number.isFinite(v))))
    .map((m) => ({ kind: m.kind, dataset, rowLabels: m.labels, colLabels: m.labels, values: m.values.flat() }));
  const geometry = (block: number, metric: string) => finite(report.metrics.find((r) => r.kind === 'GEOMETRY' && r.layer === null && r.block === block && r.metric === metric)?.value);
  const patchDiagnostics: PatchDiagnosticValue[] = report.patches
    .filter((p) => p.layer === null)
    .map((p) => {
      const drops = p.occlusion ? Object.values(p.occlusion).map((o) => o.drop).filter((d) => Number.isFinite(d)) : [];
      const recon = reconstruction.find((r) => r.block === p.block);
      const reconValues = recon ? Array.from(recon.error) : [];
      const reconOk = reconValues.length > 0 && reconValues.every((v) => Number.isFinite(v));
      return {
        dataset,
        block: p.block,
        tokenCosine: finite(p.tokenCosine?.mean),
        occDrop: drops.length ? drops.reduce((a, b) => a + b, 0) / drops.length : null,
        effectiveRank: finite(p.tokenEffectiveRank),
        participationRatio: finite(p.tokenParticipationRatio),
        isotropy: geometry(p.block, 'isotropyRatio'),
        uniformity: geometry(p.block, 'uniformity'),
        tokenNormMean: finite(p.tokenNorm?.mean),
        tokenNormStd: finite(p.tokenNorm?.std),
        tokenNormMax: finite(p.tokenNorm?.max),
        // The overall distance is not defined apart from its spatial (pixels) and temporal (frames) parts.
        attentionDistance: null,
        attentionDistanceSpatial: finite(p.attentionDistance?.spatial),
        attentionDistanceTemporal: finite(p.attentionDistance?.temporal),
        reconstructionError: reconOk ? reconValues : [],
        reconstructionGrid: reconOk && recon ? recon.grid : [],
      };
    });
  return { evaluations, similarities, patchDiagnostics };
}

/** Zeroes every pixel outside the centre tubelet's spatial patch (the same patch in every frame). */
export function keepCentrePatch(clips: Float32Array, shape: [number, number, number, number, number], patch: [number, number]): Float32Array {
  const [n, t, h, w, c] = shape;
  const [ph, pw] = patch;
  const gh = Math.floor(h / ph);
  const gw = Math.floor(w / pw);
  const y0 = Math.floor(gh / 2) * ph;
  const x0 = Math.floor(gw / 2) * pw;
  const out = new Float32Array(clips.length);
  for (let i = 0; i < n * t; i++) {
    for (let y = y0; y < y0 + ph; y++) {
      const row = (i * h + y) * w * c;
      out.set(clips.subarray(row + x0 * c, row + (x0 + pw) * c), row + x0 * c);
    }
  }
  return out;
}

/**
 * Runs the suite on a checkpoint's weights. A folder run with a test split list follows the
 * paper's protocol (folder-evaluation.ts); every other run uses a fixed evaluation set with
 * cross-validated probes. Failures while computing on extracted features are not retried (the
 * same weights and clips fail the same way); failures while reading data may be.
 */
export async function evaluateCheckpoint(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, log: Logger): Promise<EvaluationResult> {
  const results = [await evaluateMainSet(checkpoint, config, settings, log)];
  for (const spec of extraDatasetSpecs(config, settings)) results.push(await evaluateFixedSet(checkpoint, config, settings, spec, log));
  return {
    evaluations: results.flatMap((r) => r.evaluations),
    similarities: results.flatMap((r) => r.similarities),
    patchDiagnostics: results.flatMap((r) => r.patchDiagnostics),
    timingsMs: Object.fromEntries(results.flatMap((r, i) => Object.entries(r.timingsMs).map(([k, v]) => [i === 0 ? k : `${r.dataset}.${k}`, v]))),
  };
}

/**
 * The evaluation sets besides the main one: `evaluation.datasets` (each completed with the
 * fixed evaluation seed and `clips`), by default single and double gratings for an RGB folder
 * run, rendered at the model's clip shape.
 */
export function extraDatasetSpecs(config: RunConfig, settings: EvaluationSettings): DatasetSpec[] {
  const m = config.model;
  const fixed = { seed: EVALUATION_SEED, maxClips: settings.clips };
  if (settings.datasets) return settings.datasets.map((d) => (d.name === 'folder' ? { mode: 'eval', maxClips: settings.clips, ...d } : { ...fixed, ...d }) as DatasetSpec);
  if (config.dataset.name !== 'folder' || m.channels !== 3 || m.height !== m.width) return [];
  return [
    { name: 'gratings', size: m.height, frames: m.frames, ...fixed },
    { name: 'double-gratings', size: m.height, frames: m.frames, ...fixed },
  ];
}

async function evaluateMainSet(checkpoint: Uint8Array, config: RunConfig, settings: EvaluationSettings, log: Logger): Promise<EvaluationResult & { dataset: string }> {
  if (config.dataset.name === 'folder' && !settings.dataset) {
    const testSplit = testSplitFor(config.dataset, settings);
    if (testSplit) {
      const { evaluateFolderRun } = await import('./folder-evaluation.js');
      return { ...(await evaluateFolderRun(checkpoint, config, settings, testSplit, log)), dataset: 'folder/test' };
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
  const embeddings = await trainer.embed(checkpoint, clips, { layers: settings.layers, tokens: settings.tokenClips > 0, attention: true });
  timingsMs.embed = performance.now() - t;

  t = performance.now();
  const maps = await trainer.reconstructionError(checkpoint, clips, { seed: settings.seed });
  const K = config.blocks;
  const reconstruction = maps.map((m) => ({ block: m.block ?? K, meanError: m.meanError, error: m.error, grid: m.grid }));
  timingsMs.reconstruction = performance.now() - t;

  const occlusion = settings.occlusion ?? (spec.name === 'gratings' || spec.name === 'double-gratings');
  let occluded: Awaited<ReturnType<typeof trainer.embed>> | null = null;
  if (occlusion) {
    t = performance.now();
    const [, ph, pw] = config.model.tubelet;
    occluded = await trainer.embed(checkpoint, { clips: keepCentrePatch(batch.clips, batch.shape, [ph, pw]), shape: batch.shape }, { layers: settings.layers, tokens: false });
    timingsMs.occlusion = performance.now() - t;
  }

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
  t = performance.now();
  const report = await analyse({ name, depths, labels: batch.labels, grid: embeddings.grid, tubelet: config.model.tubelet, settings, log });
  timingsMs.analysis = performance.now() - t;
  timingsMs.total = performance.now() - started;
  log.info({ dataset: name, clips: n, timingsMs: roundTimes(timingsMs) }, 'evaluation suite finished');
  return { ...reportRows(report, name, reconstruction), timingsMs, dataset: name };
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
}): Promise<EvaluationReport> {
  const { evaluateRepresentations } = await import('@stratum/analysis');
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
    const main = evaluateRepresentations(base, { ...options, targets: probed, probes: probed.length > 0, retrievals: probed.length > 0 });
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
 * The test split list of a folder run: `evaluation.testSplitFile`, else the training list with
 * "train" → "test" in its file name (UCF101: trainlist01.txt → testlist01.txt); null if neither.
 */
export function testSplitFor(train: { splitFile?: string }, settings: EvaluationSettings): string | null {
  if (settings.testSplitFile) return settings.testSplitFile;
  if (!train.splitFile) return null;
  const slash = Math.max(train.splitFile.lastIndexOf('/'), train.splitFile.lastIndexOf('\\'));
  const dir = train.splitFile.slice(0, slash + 1);
  const file = train.splitFile.slice(slash + 1);
  if (!/train/i.test(file)) return null;
  return dir + file.replace(/train/i, (m) => (m === 'TRAIN' ? 'TEST' : m[0] === 'T' ? 'Test' : 'test'));
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
