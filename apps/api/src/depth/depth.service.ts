// depthProfile: a metric per block (or layer) for a set of runs, with mean, std and t-interval
// over the runs at each depth.
import type { AppServices } from '../context.js';
import { summarize } from '@stratum/stats';
import { BadInputError } from '../errors/codes.js';
import { parseId, parseIds } from '../common/ids.js';
import { requireRuns } from '../run/run.service.js';
import { readingsByDepth, resolveMetric, RUN_INFO_COLUMNS, type RunInfo } from '../metric/metric-values.js';
import type { SeedValue } from '../grid/grid.type.js';
import { requireSweep } from '../sweep/sweep.service.js';
import type { DepthProfileArgs, GridCellInput } from './depth.input.js';
import type { DepthPoint, DepthProfile } from './depth.type.js';

/** A grid cell's runs, read at its K (a sweep's E2E run sits in the cell of every K it was evaluated at). */
export async function cellRuns(app: AppServices, cell: GridCellInput, field = 'cell'): Promise<RunInfo[]> {
  const sweepId = parseId(cell.sweepId, `${field}.sweepId`);
  await requireSweep(app, sweepId);
  const { rows } = await app.readPool.query<RunInfo>(
    `SELECT ${RUN_INFO_COLUMNS} FROM runs r WHERE r.sweep_id = $1 AND r.model_size = $2 AND $3 = ANY(r.partitions) AND r.mode::text = $4 ORDER BY r.seed, r.id`,
    [sweepId, cell.modelSize, cell.blocks, cell.mode]);
  return rows.map((r) => ({ ...r, blocks: cell.blocks }));
}

export async function runInfos(app: AppServices, ids: string[], field: string): Promise<RunInfo[]> {
  const runs = await requireRuns(app, [...new Set(parseIds(ids, field))], field);
  return runs.map((r) => ({ id: r.id, mode: r.mode, modelSize: r.modelSize, blocks: r.blocks, partitions: r.partitions, seed: r.seed, status: r.status }));
}

/** The runs read at K = `partition` (each must have been evaluated there), or at their own K. */
function atPartition(runs: RunInfo[], partition: number | null): RunInfo[] {
  if (partition === null) return runs;
  const missing = runs.find((r) => !r.partitions.includes(partition));
  if (missing) throw new BadInputError(`run ${missing.id} was not evaluated at K=${partition} (its partitions: ${missing.partitions.join(', ')})`, 'partition');
  return runs.map((r) => ({ ...r, blocks: partition }));
}

export async function depthProfile(app: AppServices, args: DepthProfileArgs): Promise<DepthProfile> {
  // An explicit null counts as absent (GraphQL clients often send one).
  const hasRuns = args.runIds !== undefined && args.runIds !== null;
  const hasCell = args.cell !== undefined && args.cell !== null;
  if (hasRuns === hasCell) throw new BadInputError('give exactly one of runIds and cell', 'runIds');
  const runs = hasRuns ? await atPartition(await runInfos(app, args.runIds!, 'runIds'), args.partition ?? null) : await cellRuns(app, args.cell!);
  const metric = await resolveMetric(app, args.metric, runs.map((r) => r.id));
  const at = args.at ?? null;
  const readings = await readingsByDepth(app, runs, metric, at);
  const depths = [...new Set([...readings.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const points: DepthPoint[] = depths.map((depth) => {
    const values: SeedValue[] = runs.map((run) => {
      const reading = readings.get(run.id)?.get(depth);
      return { runId: run.id, seed: run.seed, status: run.status, value: reading?.value ?? null, step: reading?.step ?? null, depth };
    });
    return { depth, ...summarize(values.filter((v) => v.value !== null).map((v) => v.value!)), values };
  });
  return { metric, runIds: runs.map((r) => r.id), at, points };
}
