// A sweep's runs in factor order, for Sweep.runs (batched over sweeps).
import type { AppServices } from '../context.js';
import { groupBy, RUN_COLUMNS } from '../run/run.service.js';
import type { Run } from '../run/run.type.js';

export async function runsBySweep(app: AppServices, sweepIds: readonly string[]): Promise<Run[][]> {
  const { rows } = await app.readPool.query<Run>(
    `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.sweep_id = ANY($1::uuid[])
     ORDER BY CASE r.model_size WHEN 'nano' THEN 0 WHEN 'micro' THEN 1 WHEN 'tiny' THEN 2 WHEN 'small' THEN 3 ELSE 4 END, r.model_size,
              r.blocks, r.mode, r.seed`, [sweepIds]);
  return groupBy(sweepIds, rows, (r) => r.sweepId!);
}
