// A sweep's runs in factor order, for Sweep.runs (batched over sweeps).
import { PRESET_NAMES } from '@stratum/run-config';
import type { AppServices } from '../context.js';
import { groupBy, RUN_COLUMNS, type RunRow } from '../run/run.service.js';

export async function runsBySweep(app: AppServices, sweepIds: readonly string[]): Promise<RunRow[][]> {
  // Model sizes in preset order (nano < micro < tiny < small), then K, mode (enum order) and seed.
  const { rows } = await app.pool.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.sweep_id = ANY($1::uuid[])
     ORDER BY array_position($2::text[], r.model_size) NULLS LAST, r.model_size, r.blocks, r.mode, r.seed, r.id`, [sweepIds, [...PRESET_NAMES]]);
  return groupBy(sweepIds, rows, (r) => r.sweepId!);
}
