/**
 * The evaluation suite the agent runs at checkpoints and at the end of a run: pure over
 * features already extracted (masking off) from a fixed evaluation set.
 *
 * For every depth (block boundary, and layer when given), on its pooled features [N, D]:
 *   - linear probe accuracy per label family (k-fold CV on one set of folds stratified on the
 *     first target and shared by all targets, mean ± std and per fold), and with several
 *     targets their mean and the overall accuracy (every target right);
 *   - cosine retrieval mAP and hit@k, and weighted k-NN accuracy per label family, and with
 *     several targets retrieval averaged over them (target null);
 *   - geometry: the covariance spectrum's effective rank, participation ratio, isotropy,
 *     explained-k@90% and condition number; uniformity; norm statistics; mean, std and 5/50/95%
 *     quantiles of the pairwise cosines and distances;
 * across depths (blocks and layers separately): linear, debiased and RBF CKA matrices and the
 * consecutive-depth values; and, where token features / attention / occluded features /
 * reconstruction errors are given, patch diagnostics per depth.
 *
 * OccDrop: a probe is fitted and tested on the occluded features on the same folds, and
 * compared with the full-feature probe: (Acc_full − Acc_occluded) / Acc_full.
 *
 * Features that are the same values at two depths (a block boundary is also the output of its
 * last layer) are analysed once and the result is reported at both depths, so nothing is
 * recomputed per block. The report's shape is in types.ts.
 */
import { type CKAKind, type CKAStatsCache, ckaMatricesFromCentredGrams } from '../cka.js';
import { AnalysisError } from '../errors.js';
import { toLabels } from '../labels.js';
import { type Matrix, sameValues, toMatrix } from '../matrix.js';
import { type Fold, stratifiedFolds } from '../probe/folds.js';
import type { LogisticModel } from '../probe/logistic.js';
import { type TokenMemo, depthLabel, patchDiagnostics } from './patches.js';
import { type PooledAnalysis, type Target, analysePooled } from './pooled.js';
import type {
  EvaluationInput,
  EvaluationOptions,
  SuiteResults,
  MetricConvention,
  MetricRow,
  PatchDiagnosticsResult,
  SimilarityKind,
  SimilarityMatrixResult,
} from './types.js';

const KIND_NAMES: Record<CKAKind, SimilarityKind> = { linear: 'LINEAR_CKA', debiased: 'DEBIASED_CKA', rbf: 'RBF_CKA' };
const CKA_CONVENTIONS: Record<CKAKind, MetricConvention> = { linear: 'paper-linear-cka', debiased: 'debiased-cka', rbf: 'paper-rbf-cka' };

const sameMatrix = (a: Matrix | null, b: Matrix | null): boolean =>
  a === null || b === null ? a === b : a.rows === b.rows && a.cols === b.cols && sameValues(a.data, b.data);

/** Runs the evaluation suite (see the file comment). Throws an `AnalysisError` for inconsistent input. */
export function evaluateRepresentations(input: EvaluationInput, options: EvaluationOptions = {}): SuiteResults {
  const fn = 'evaluateRepresentations';
  const timings: Record<string, number> = { probes: 0, retrieval: 0, geometry: 0, similarity: 0, patches: 0 };
  const timed = <T>(section: string, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[section] = (timings[section] as number) + performance.now() - start;
    }
  };

  if (input.depths.length === 0) throw new AnalysisError(fn, 'no depths to evaluate');
  const depths = input.depths.map((d, i) => {
    if (!Number.isInteger(d.block) || d.block < 1) throw new AnalysisError(fn, `depths[${i}].block must be a positive integer, got ${d.block}`);
    const layer = d.layer ?? null;
    if (layer !== null && (!Number.isInteger(layer) || layer < 1)) throw new AnalysisError(fn, `depths[${i}].layer must be a positive integer, got ${layer}`);
    const x = toMatrix(d.pooled, fn, `depths[${i}].pooled`);
    const occluded = d.occludedPooled ? toMatrix(d.occludedPooled, fn, `depths[${i}].occludedPooled`) : null;
    if (occluded && (occluded.rows !== x.rows || occluded.cols !== x.cols)) {
      throw new AnalysisError(fn, `depths[${i}].occludedPooled has shape [${occluded.rows}, ${occluded.cols}], pooled has [${x.rows}, ${x.cols}]`);
    }
    return { input: d, block: d.block, layer, x, occluded };
  });
  const n = (depths[0] as { x: Matrix }).x.rows;
  depths.forEach((d, i) => {
    if (d.x.rows !== n) throw new AnalysisError(fn, `depths[${i}].pooled has ${d.x.rows} clips, depths[0] has ${n}`);
  });
  const seen = new Set<string>();
  for (const d of depths) {
    const label = depthLabel(d.block, d.layer);
    if (seen.has(label)) throw new AnalysisError(fn, `depth ${label} is given twice`);
    seen.add(label);
  }
  const targetNames = options.targets ?? Object.keys(input.labels);
  const targets: Target[] = targetNames.map((name) => {
    const raw = input.labels[name];
    if (!raw) throw new AnalysisError(fn, `unknown target '${name}'`);
    const y = toLabels(raw, fn, `labels.${name}`);
    if (y.length !== n) throw new AnalysisError(fn, `labels.${name} has ${y.length} labels for ${n} clips`);
    const classes = new Set(y).size;
    if (classes < 2) throw new AnalysisError(fn, `labels.${name} has a single class, so it cannot be probed`);
    return { name, y, classes };
  });

  const metrics: MetricRow[] = [];
  const patches: PatchDiagnosticsResult[] = [];
  const centredGrams: Float64Array[] = [];
  const probeOptions = options.probe ?? {};
  // Warm starts: the same probe chain's fold models at the previous depth of the same scope.
  const previousModels = new Map<string, LogisticModel[]>();
  // One set of folds for every target and depth, stratified on the first target (the paper's
  // MultiOutputClassifier protocol), so that "every target right" is defined per test clip.
  const splits: readonly Fold[] | null =
    options.probes !== false && targets.length > 0 ? stratifiedFolds((targets[0] as Target).y, { folds: probeOptions.folds ?? 3, seed: probeOptions.seed ?? 0 }) : null;
  const analysed: { x: Matrix; occluded: Matrix | null; result: PooledAnalysis }[] = [];
  const tokenMemo: TokenMemo = [];

  for (const d of depths) {
    const { block, layer, x, occluded } = d;
    const scope = layer === null ? 'B' : 'L';
    let result = analysed.find((a) => sameMatrix(a.x, x) && sameMatrix(a.occluded, occluded))?.result;
    if (!result) {
      result = analysePooled(x, occluded, {
        fn,
        label: depthLabel(block, layer),
        targets,
        splits,
        options,
        warmStart: (chain) => previousModels.get(`${scope}:${chain}`),
        timed,
      });
      analysed.push({ x, occluded, result });
    }
    for (const [chain, models] of result.models) previousModels.set(`${scope}:${chain}`, models);
    for (const row of result.rows) metrics.push({ ...row, block, layer, ...(row.folds ? { folds: [...row.folds] } : {}) });
    if (result.centred) centredGrams.push(result.centred);
    if (options.patches !== false) {
      const report = timed('patches', () => patchDiagnostics(d.input, block, layer, result.occlusion, input.grid, input.patchSize, fn, tokenMemo));
      if (report) patches.push(report);
    }
  }

  const similarity: SimilarityMatrixResult[] = [];
  if (options.similarity !== false) {
    // A block boundary's Gram is also its last layer's: its kernel statistics serve both scopes.
    const ckaCache: CKAStatsCache = new WeakMap();
    timed('similarity', () => {
      for (const scope of ['BLOCK', 'LAYER'] as const) {
        const members = depths.map((d, i) => ({ d, gram: centredGrams[i] as Float64Array })).filter(({ d }) => (d.layer === null) === (scope === 'BLOCK'));
        if (members.length < 2) continue;
        const results = ckaMatricesFromCentredGrams(
          members.map((m) => m.gram),
          n,
          { ...(options.cka?.kinds ? { kinds: options.cka.kinds } : {}), ...(options.cka?.threshold !== undefined ? { threshold: options.cka.threshold } : {}) },
          ckaCache,
        );
        for (const result of results) {
          similarity.push({
            kind: KIND_NAMES[result.kind],
            scope,
            labels: members.map(({ d }) => depthLabel(d.block, d.layer)),
            blocks: members.map(({ d }) => d.block),
            layers: members.map(({ d }) => d.layer),
            values: result.values,
          });
          for (let i = 0; i + 1 < members.length; i++) {
            const { d } = members[i] as { d: { block: number; layer: number | null } };
            metrics.push({
              kind: 'CONSECUTIVE_CKA',
              metric: result.kind,
              target: null,
              block: d.block,
              layer: d.layer,
              value: (result.values[i] as number[])[i + 1] as number,
              std: null,
              folds: null,
              convention: CKA_CONVENTIONS[result.kind],
            });
          }
        }
      }
    });
  }

  return {
    dataset: input.dataset ?? null,
    samples: n,
    depths: depths.map((d) => ({ block: d.block, layer: d.layer, label: depthLabel(d.block, d.layer), dims: d.x.cols })),
    targets: targets.map((t) => ({ name: t.name, classes: t.classes })),
    metrics,
    similarity,
    patches,
    timingsMs: timings,
  };
}
