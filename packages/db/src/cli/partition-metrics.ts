#!/usr/bin/env node
// `npm run db:partition-metrics -- [partitions]`: hash-partition metric_points and metric_rollups by run_id.
import { pino } from 'pino';
import { openDatabase } from '../database.js';
import { migrate } from '../migrations.js';
import { partitionMetricPoints } from '../partition.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const partitions = Number(process.argv[2] ?? 16);
const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, log });
try {
  await migrate(database.url, { log });
  const result = await partitionMetricPoints(database.url, partitions);
  log.info(result, result.alreadyPartitioned ? 'metric_points and metric_rollups are already partitioned' : 'metric_points and metric_rollups partitioned by run_id');
} catch (error) {
  log.error({ err: error }, 'partitioning failed; nothing was changed');
  process.exitCode = 1;
} finally {
  await database.close();
}
