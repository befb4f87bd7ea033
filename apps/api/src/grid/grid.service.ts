// sweepGrid: one cell per (model size, K, mode) with statistics over the seeds' values. A sweep
// trains E2E once per (size, seed) and evaluates it at every K: its E2E cell under each K is fed
// by that one run, read at that K's block boundaries.
import type { AppServices } from '../context.js';
import { summarize } from '@stratum/stats';
import { RunMode } from '../run/run.enums.js';
import { parseId } from '../common/ids.js';
import { factorsOf, requireSweep } from '../sweep/sweep.service.js';
import type { SweepGridArgs } from './grid.input.js';
import type { GridCell, SeedValue, SweepGrid } from './grid.type.js';
import { atEachPartition, finalDepth, readingKey, readingsAtEach, resolveMetric, RUN_INFO_COLUMNS, type RunInfo } from '../metric/metric-values.js';

const MODE_ORDER: RunMode[] = [RunMode.E2E, RunMode.BLOCKWISE_SIMULTANEOUS, RunMode.BLOCKWISE_SEQUENTIAL];

export function cellKey(modelSize: string, blocks: number, mode: string): string {
  return `${modelSize}\u0000${blocks}\u0000${mode}`;
}

export async function sweepRuns(app: AppServices, sweepId: string): Promise<RunInfo[]> {
  const { rows } = await app.readPool.query<RunInfo>(`SELECT ${RUN_INFO_COLUMNS} FROM runs r WHERE r.sweep_id = $1 ORDER BY r.seed, r.id`, [sweepId]);
  return rows;
}

function unionInOrder<T>(declared: readonly T[], seen: Iterable<T>, compare?: (a: T, b: T) => number): T[] {
  const extra = [...new Set(seen)].filter((v) => !declared.includes(v));
  return [...declared, ...(compare ? extra.sort(compare) : extra)];
}

export async function sweepGrid(app: AppServices, args: SweepGridArgs): Promise<SweepGrid> {
  const sweepId = parseId(args.sweepId, 'sweepId');
  const sweep = await requireSweep(app, sweepId);
  const trained = await sweepRuns(app, sweepId);
  const metric = await resolveMetric(app, args.metric, trained.map((r) => r.id));
  const at = args.at ?? null;
  const depthOf = (run: RunInfo) => args.block ?? finalDepth(run, metric);
  // Each run under every K it was evaluated at, read at that K's block boundaries.
  const runs = trained.flatMap(atEachPartition);
  const readings = await readingsAtEach(app, runs, metric, depthOf, at);

  // Axes: the declared factors, plus anything the runs show that the spec does not (older specs).
  const factors = factorsOf(sweep);
  const modelSizes = unionInOrder(factors.modelSizes, runs.map((r) => r.modelSize), (a, b) => a.localeCompare(b));
  const blocks = unionInOrder(factors.blocks, runs.map((r) => r.blocks), (a, b) => a - b);
  const modes = unionInOrder(factors.modes, runs.map((r) => r.mode), (a, b) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b));
  const seeds = unionInOrder(factors.seeds, runs.map((r) => r.seed), (a, b) => a - b);

  const byCell = new Map<string, RunInfo[]>();
  for (const run of runs) {
    const key = cellKey(run.modelSize, run.blocks, run.mode);
    if (!byCell.has(key)) byCell.set(key, []);
    byCell.get(key)!.push(run);
  }
  const cells: GridCell[] = [];
  for (const modelSize of modelSizes) for (const k of blocks) for (const mode of modes) {
    const members = byCell.get(cellKey(modelSize, k, mode)) ?? [];
    const values: SeedValue[] = members.map((run) => {
      const reading = readings.get(readingKey(run));
      return { runId: run.id, seed: run.seed, status: run.status, value: reading?.value ?? null, step: reading?.step ?? null, depth: depthOf(run) };
    });
    const present = values.filter((v) => v.value !== null).map((v) => v.value!);
    const count = (status: string) => members.filter((r) => r.status === status).length;
    cells.push({
      modelSize, blocks: k, mode,
      ...summarize(present),
      runs: members.length,
      missing: members.length - present.length,
      queued: count('QUEUED'),
      running: count('RUNNING'),
      failed: count('FAILED'),
      cancelled: count('CANCELLED'),
      values,
    });
  }
  return { sweepId, metric, block: args.block ?? null, at, modelSizes, blocks, modes, seeds, cells };
}
