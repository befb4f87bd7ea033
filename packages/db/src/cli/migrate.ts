#!/usr/bin/env node
// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded server
// under .stratum/postgres when it is not set.
import { pino } from 'pino';
import { openDatabase } from '../database.js';
import { migrate } from '../migrations.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, log });
try {
  const result = await migrate(database.url, { log });
  log.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, result.applied.length ? 'migrations applied' : 'database already up to date');
} catch (error) {
  log.error({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await database.close();
}
