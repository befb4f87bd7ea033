// Follows the demo sweep through the API: a line whenever a run changes status, a compact
// progress line every few seconds, and the summary table at the end.
import { ApiRetry } from './retry.js';
import type { DemoSweep } from './sweeps.js';

export interface RunView {
  id: string;
  name: string;
  mode: string;
  blocks: number;
  /** K values it was evaluated at (a sweep's one E2E run per seed: every K); absent: [blocks]. */
  partitions?: number[];
  seed: number;
  status: string;
  error: string | null;
  durationSeconds: number | null;
  finishedAt: string | null;
  jobs: Array<{ kind: string; status: string; attempts: number; progress: { step?: number; totalSteps?: number | null; phase?: string } | null }>;
  evaluations: Array<{ kind: string; metric: string; target: string; depth: number; depthUnit: string; partition?: number; value: number }>;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export async function graphql<T>(apiUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  return body.data as T;
}

export async function submitSweep(apiUrl: string, sweep: DemoSweep): Promise<{ id: string; created: boolean }> {
  const data = await graphql<{ createSweep: { created: boolean; sweep: { id: string } } }>(apiUrl,
    'mutation($input: CreateSweepInput!) { createSweep(input: $input) { created sweep { id } } }', { input: sweep });
  return { id: data.createSweep.sweep.id, created: data.createSweep.created };
}

const RUNS = `query($sweepId: ID!) {
  runs(filter: { sweepId: $sweepId }, first: 500) {
    nodes {
      id name mode blocks partitions seed status error durationSeconds finishedAt
      jobs(first: 5) { kind status attempts progress }
      evaluations(filter: { latestOnly: true, kind: [LINEAR_PROBE, KNN_RETRIEVAL] }) { kind metric target depth depthUnit partition value }
    }
  }
}`;

export async function sweepRuns(apiUrl: string, sweepId: string): Promise<RunView[]> {
  return (await graphql<{ runs: { nodes: RunView[] } }>(apiUrl, RUNS, { sweepId })).runs.nodes;
}

/** A run's name in the demo's tables: `K=2 simultaneous seed 0`, `K=2,3 E2E seed 1`. */
export function label(run: RunView): string {
  const regime = run.mode === 'E2E' ? 'E2E' : run.mode === 'BLOCKWISE_SIMULTANEOUS' ? 'simultaneous' : 'sequential';
  return `K=${(run.partitions ?? [run.blocks]).join(',')} ${regime} seed ${run.seed}`;
}

function trainJob(run: RunView) {
  return run.jobs.find((j) => j.kind === 'TRAIN');
}

/**
 * Polls until every run (and every COMPARE job) is finished; `print` gets one line at a time. A
 * failed poll is retried with backoff and reported (see ApiRetry); only an API silent for the
 * retry's give-up period, or the signal, ends the loop early.
 */
export async function followSweep(apiUrl: string, sweepId: string, print: (line: string) => void, signal: AbortSignal, everyMs = 2000, retry = new ApiRetry({ print, signal })): Promise<RunView[]> {
  const seen = new Map<string, string>();
  let lastSummary = 0;
  for (;;) {
    let runs: RunView[];
    try {
      runs = await retry.call('polling the sweep', () => sweepRuns(apiUrl, sweepId));
    } catch (error) {
      if (signal.aborted) return [];
      throw error;
    }
    for (const run of runs) {
      if (seen.get(run.id) === run.status) continue;
      seen.set(run.id, run.status);
      const extra = run.status === 'FAILED' ? ` — ${run.error ?? 'no error text'}` : run.status === 'SUCCEEDED' && run.durationSeconds ? ` in ${Math.round(run.durationSeconds)} s` : '';
      print(`${label(run).padEnd(28)} ${run.status}${extra}`);
    }
    const comparesPending = runs.some((r) => r.jobs.some((j) => j.kind === 'COMPARE' && !TERMINAL.has(j.status)));
    if (runs.length > 0 && runs.every((r) => TERMINAL.has(r.status)) && !comparesPending) return runs;
    if (Date.now() - lastSummary > 15_000) {
      lastSummary = Date.now();
      const running = runs.filter((r) => r.status === 'RUNNING').map((r) => {
        const p = trainJob(r)?.progress;
        return `${label(r)} ${p?.phase ?? 'train'} ${p?.step ?? 0}/${p?.totalSteps ?? '?'}`;
      });
      const done = runs.filter((r) => TERMINAL.has(r.status)).length;
      print(`progress: ${done}/${runs.length} runs finished${running.length ? `; running: ${running.join(', ')}` : ''}${comparesPending ? '; cross-run CKA pending' : ''}`);
    }
    if (signal.aborted) return runs;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The order the demo's tables list runs in: by K, then regime, then seed. */
export function byCell(a: Pick<RunView, 'blocks' | 'mode' | 'seed'>, b: Pick<RunView, 'blocks' | 'mode' | 'seed'>): number {
  return a.blocks - b.blocks || a.mode.localeCompare(b.mode) || a.seed - b.seed;
}

/** The final table: per run, the last block's probe accuracy per target (its chance level in the
 * header) and retrieval mAP on `target`. */
export function summaryTable(runs: RunView[], target: string): string {
  const targets = [...new Set(runs.flatMap((r) => r.evaluations.filter((e) => e.kind === 'LINEAR_PROBE' && e.metric === 'accuracy').map((e) => e.target)))].sort();
  // Each probe's chance level (1 / classes), as the agent reports it beside the accuracy.
  const chance = (t: string) => runs.flatMap((r) => r.evaluations).find((e) => e.kind === 'LINEAR_PROBE' && e.metric === 'accuracy_chance' && e.target === t)?.value;
  const header = ['run', 'status', 'evals', ...targets.map((t) => { const c = chance(t); return c === undefined ? `probe ${t}` : `probe ${t} (chance ${c.toFixed(3)})`; }), `mAP ${target}`];
  const rows = runs
    .slice()
    .sort(byCell)
    .map((run) => {
      const last = (kind: string, metric: string, target: string) => {
        const matches = run.evaluations.filter((e) => e.kind === kind && e.metric === metric && e.target === target && e.depthUnit === 'BLOCK');
        const deepest = matches.sort((a, b) => b.depth - a.depth)[0];
        return deepest ? deepest.value.toFixed(3) : '—';
      };
      return [label(run), run.status, String(run.evaluations.length), ...targets.map((t) => last('LINEAR_PROBE', 'accuracy', t)), last('KNN_RETRIEVAL', 'mAP', target)];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
