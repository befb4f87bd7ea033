/**
 * The evaluation suite on two threads: the probes (the only part that chains across depths)
 * on a worker thread, everything else (retrieval, geometry, CKA, patch diagnostics) on this
 * one at the same time. The report is the one `evaluateRepresentations` gives, row for row and
 * in the same order; only `timingsMs` differs (each section's time on its own thread).
 *
 * The worker is sent the pooled (and occluded) features and the labels, not the token
 * features. Run from the sources (tests, tsx) it starts the built copy in dist/.
 */
import { Worker } from 'node:worker_threads';
import { AnalysisError } from '../errors.js';
import { depthLabel } from './patches.js';
import { evaluateRepresentations } from './evaluate.js';
import type { EvaluationInput, EvaluationOptions, SuiteResults, MetricRow, PatchDiagnosticsResult } from './types.js';

const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('../../dist/suite/probe-worker.js', import.meta.url) : new URL('./probe-worker.js', import.meta.url);

function probeOnWorker(input: EvaluationInput, options: EvaluationOptions): { report: Promise<SuiteResults>; stop: () => Promise<number> } {
  const worker = new Worker(WORKER_URL, {
    workerData: {
      input: { ...input, depths: input.depths.map((d) => ({ block: d.block, layer: d.layer ?? null, pooled: d.pooled, ...(d.occludedPooled ? { occludedPooled: d.occludedPooled } : {}) })) },
      options: { ...options, retrievals: false, geometry: false, similarity: false, patches: true },
    },
  });
  const report = new Promise<SuiteResults>((resolve, reject) => {
    worker.once('message', (message: { report?: SuiteResults; error?: { fn: string | null; problem: string } }) => {
      if (message.report) resolve(message.report);
      else if (message.error?.fn) reject(new AnalysisError(message.error.fn, message.error.problem));
      else reject(new Error(`the probe worker failed: ${message.error?.problem ?? 'no report'}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the probe worker exited (code ${code}) before reporting`)));
  });
  report.catch(() => undefined); // awaited only when this thread's half succeeds
  return { report, stop: () => worker.terminate() };
}

/** `evaluateRepresentations` with the probes on a worker thread (see the file comment). */
export async function evaluateRepresentationsInParallel(input: EvaluationInput, options: EvaluationOptions = {}): Promise<SuiteResults> {
  if (options.probes === false) return evaluateRepresentations(input, options);
  const probing = probeOnWorker(input, options);
  try {
    const rest = evaluateRepresentations(input, { ...options, probes: false });
    const probes = await probing.report;
    return merge(rest, probes);
  } finally {
    await probing.stop();
  }
}

/** The two halves in `evaluateRepresentations`' order: per depth its probe rows, then the others; CKA rows last. */
function merge(rest: SuiteResults, probes: SuiteResults): SuiteResults {
  const byDepth = (rows: MetricRow[]) => {
    const map = new Map<string, MetricRow[]>();
    for (const row of rows) {
      const key = depthLabel(row.block, row.layer);
      map.set(key, [...(map.get(key) ?? []), row]);
    }
    return map;
  };
  const probeRows = byDepth(probes.metrics);
  const restRows = byDepth(rest.metrics.filter((m) => m.kind !== 'CONSECUTIVE_CKA'));
  const metrics = rest.depths.flatMap((d) => [...(probeRows.get(d.label) ?? []), ...(restRows.get(d.label) ?? [])]);
  metrics.push(...rest.metrics.filter((m) => m.kind === 'CONSECUTIVE_CKA'));
  const find = (list: PatchDiagnosticsResult[], block: number, layer: number | null) => list.find((p) => p.block === block && p.layer === layer);
  const patches = rest.depths.flatMap((d): PatchDiagnosticsResult[] => {
    const own = find(rest.patches, d.block, d.layer);
    const occlusion = find(probes.patches, d.block, d.layer)?.occlusion ?? null;
    if (!own && !occlusion) return [];
    return [{
      ...(own ?? { block: d.block, layer: d.layer, tokenCosine: null, tokenNorm: null, tokenEffectiveRank: null, tokenParticipationRatio: null, attentionDistance: null, reconstructionError: null }),
      occlusion,
    }];
  });
  return { ...rest, metrics, patches, timingsMs: { ...rest.timingsMs, probes: probes.timingsMs.probes ?? 0 } };
}
