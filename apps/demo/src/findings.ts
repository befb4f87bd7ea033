// What the finished demo sweep shows: per run the final loss beside its trivial reference, the
// consecutive-block CKA, and the paper's depth-wise findings as blockwise − E2E differences
// paired by seed (same K), each with a 95% Student-t interval over the seeds. The sweep trains
// E2E once per seed and evaluates it at every K: it stands in the facts once per K, read there.
import { mean, summarize } from '@stratum/stats';
import { byCell, graphql, label, type RunView } from './progress.js';

export interface RunFacts {
  run: RunView;
  /** Final loss of the deepest block (E2E: the whole model) and its trivial reference, each the
   * mean of the last TAIL_STEPS steps (tailMean): one step's loss is one batch of 16 clips, too
   * noisy to compare with a bar. */
  loss: number | null;
  trivial: number | null;
  /** Linear CKA between consecutive blocks (k, k+1), k = 1 … K−1. */
  consecutiveCka: number[];
}

export interface Finding {
  name: string;
  description: string;
  k: number;
  regime: string;
  n: number;
  delta: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/** Steps the final loss is averaged over (as `npm run depth-similarity` does). */
export const TAIL_STEPS = 20;
// maxPoints at least each run's step count, so that every series comes back whole, not bucketed.
const LOSS_SERIES = `query($runIds: [ID!]!, $maxPoints: Int!) { metricSeries(runIds: $runIds, keys: ["loss", "loss_trivial"], maxPoints: $maxPoints) { runId key block values } }`;
const SIMILARITY = `query($runId: ID!, $partition: Int) { similarity(runId: $runId, kind: LINEAR_CKA, partition: $partition) { rowLabels colLabels matrix } }`;

/** The run once per K it was evaluated at, with that K's block evaluations. */
export function atEachPartition(run: RunView): RunView[] {
  return (run.partitions?.length ? run.partitions : [run.blocks]).map((k) => ({
    ...run,
    blocks: k,
    partitions: [k],
    evaluations: run.evaluations.filter((e) => e.depthUnit !== 'BLOCK' || (e.partition ?? run.blocks) === k),
  }));
}

export async function runFacts(apiUrl: string, trained: RunView[]): Promise<RunFacts[]> {
  const series = (await graphql<{ metricSeries: Array<{ runId: string; key: string; block: number | null; values: number[] }> }>(apiUrl, LOSS_SERIES, {
    runIds: trained.map((r) => r.id),
    maxPoints: Math.max(1000, ...trained.flatMap((r) => r.jobs.map((j) => j.progress?.totalSteps ?? 0))),
  })).metricSeries;
  const facts: RunFacts[] = [];
  for (const run of trained.flatMap(atEachPartition)) {
    const block = run.mode === 'E2E' ? null : run.blocks;
    const last = (key: string) => tailMean(series.find((s) => s.runId === run.id && s.key === key && s.block === block)?.values ?? []);
    const sim = (await graphql<{ similarity: { rowLabels: string[]; colLabels: string[]; matrix: number[][] } | null }>(apiUrl, SIMILARITY, { runId: run.id, partition: run.blocks })).similarity;
    const consecutiveCka: number[] = [];
    if (sim) {
      for (let k = 1; k < run.blocks; k++) {
        const r = sim.rowLabels.indexOf(`B${k}`), c = sim.colLabels.indexOf(`B${k + 1}`);
        const v = r >= 0 && c >= 0 ? sim.matrix[r]?.[c] : undefined;
        if (v !== undefined) consecutiveCka.push(v);
      }
    }
    facts.push({ run, loss: last('loss'), trivial: last('loss_trivial'), consecutiveCka });
  }
  return facts;
}

/** Mean of the last TAIL_STEPS values, or of the last quarter of a shorter series (the quick
 * sweep's 16 steps: the last 4), so that the tail is where the run ended; null for none. */
export function tailMean(values: number[]): number | null {
  return values.length ? mean(values.slice(-Math.min(TAIL_STEPS, Math.ceil(values.length / 4)))) : null;
}

function probeAt(run: RunView, target: string, depth: number): number | null {
  return run.evaluations.find((e) => e.kind === 'LINEAR_PROBE' && e.metric === 'accuracy' && e.target === target && e.depthUnit === 'BLOCK' && e.depth === depth)?.value ?? null;
}

/**
 * The paper's depth-wise findings, blockwise − E2E paired by seed at the same K:
 * final-block probe (blockwise close to E2E), block-1 probe (decodable earlier under blockwise),
 * last consecutive-block CKA (late blocks saturate under blockwise).
 */
export function findings(facts: RunFacts[], target: string): Finding[] {
  const out: Finding[] = [];
  const ks = [...new Set(facts.map((f) => f.run.blocks))].sort((a, b) => a - b);
  const measures: Array<{ name: string; description: string; value: (f: RunFacts) => number | null }> = [
    { name: 'final_probe', description: `final-block ${target} probe, blockwise − E2E`, value: (f) => probeAt(f.run, target, f.run.blocks) },
    { name: 'block1_probe', description: `block-1 ${target} probe, blockwise − E2E`, value: (f) => probeAt(f.run, target, 1) },
    { name: 'late_cka', description: 'CKA(block K−1, block K), blockwise − E2E', value: (f) => f.consecutiveCka.at(-1) ?? null },
  ];
  for (const k of ks) {
    const e2e = new Map(facts.filter((f) => f.run.blocks === k && f.run.mode === 'E2E').map((f) => [f.run.seed, f]));
    for (const mode of ['BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL']) {
      const regime = mode === 'BLOCKWISE_SIMULTANEOUS' ? 'simultaneous' : 'sequential';
      for (const m of measures) {
        const diffs: number[] = [];
        for (const f of facts.filter((x) => x.run.blocks === k && x.run.mode === mode)) {
          const base = e2e.get(f.run.seed);
          const a = m.value(f), b = base ? m.value(base) : null;
          if (a !== null && b !== null) diffs.push(a - b);
        }
        const s = summarize(diffs);
        out.push({ name: m.name, description: m.description, k, regime, n: s.n, delta: s.mean, ciLow: s.ciLow, ciHigh: s.ciHigh });
      }
    }
  }
  return out;
}

/** The finding whose interval lies furthest from zero relative to its width (excludes zero first). */
export function strongest(list: Finding[]): Finding | null {
  const scored = list.filter((f) => f.delta !== null && f.ciLow !== null && f.ciHigh !== null).map((f) => {
    const half = (f.ciHigh! - f.ciLow!) / 2;
    const size = Math.abs(f.delta!);
    return { f, score: half > 1e-12 ? size / half : size > 1e-12 ? Infinity : 0 }; // a zero-width interval at zero is no evidence
  });
  scored.sort((a, b) => b.score - a.score);
  return scored[0]?.f ?? null;
}

const fmt = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

export function factsTable(facts: RunFacts[]): string {
  const header = ['run', `final loss (last ${TAIL_STEPS} steps)`, 'trivial', 'loss/trivial', 'consecutive CKA'];
  // The run table's order, not the order the API returned them in.
  const sorted = [...facts].sort((a, b) => byCell(a.run, b.run));
  const rows = sorted.map((f) => [
    label(f.run),
    fmt(f.loss), fmt(f.trivial), f.loss !== null && f.trivial ? fmt(f.loss / f.trivial) : '—', f.consecutiveCka.map((c) => c.toFixed(3)).join(' '),
  ]);
  return table(header, rows);
}

export function findingsTable(list: Finding[]): string {
  const header = ['finding', 'K', 'regime', 'seeds', 'delta', '95% CI'];
  const rows = list.map((f) => [f.description, String(f.k), f.regime, String(f.n), fmt(f.delta), f.ciLow === null ? '—' : `[${fmt(f.ciLow)}, ${fmt(f.ciHigh)}]`]);
  return table(header, rows);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The demo's last line: `RESULT demo wall_s=… worst_loss_to_trivial=… e2e_consecutive_cka_max=… seeds=… finding=… delta=… ci_low=… ci_high=…`.
 * `wallS` null (a sweep that had finished before this demo began following it: no wall time was
 * measured) prints `wall_s=nan`. */
export function resultLine(wallS: number | null, facts: RunFacts[], list: Finding[]): string {
  const ratios = facts.filter((f) => f.loss !== null && f.trivial).map((f) => f.loss! / f.trivial!);
  const e2eCka = facts.filter((f) => f.run.mode === 'E2E').flatMap((f) => f.consecutiveCka);
  const best = strongest(list);
  const seeds = new Set(facts.map((f) => f.run.seed)).size;
  const finding = best ? `${best.name}_k${best.k}_${best.regime}` : 'none';
  return `RESULT demo wall_s=${wallS === null ? 'nan' : Math.round(wallS)} worst_loss_to_trivial=${ratios.length ? Math.max(...ratios).toFixed(3) : 'nan'} e2e_consecutive_cka_max=${e2eCka.length ? Math.max(...e2eCka).toFixed(3) : 'nan'} seeds=${seeds} finding=${finding} delta=${fmt(best?.delta ?? null, 4)} ci_low=${fmt(best?.ciLow ?? null, 4)} ci_high=${fmt(best?.ciHigh ?? null, 4)}`;
}
