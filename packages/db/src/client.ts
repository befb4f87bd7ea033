// Connections: one pg Pool per process, shared by Prisma (through its pg driver adapter, no
// native engine) for the relational core and by raw SQL for the hot paths (metric ingestion
// with unnest/COPY, bucketed reads, claims and fenced writes).
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export { PrismaClient };
export type { Prisma } from './generated/prisma/client.js';

export interface ClientOptions {
  /** Pool size for this process; keep it modest, PostgreSQL's default limit is 100. */
  max?: number;
  /** Abort statements that run longer than this (ms); 0 disables. */
  statementTimeoutMs?: number;
}

export function createPool(url: string, options: ClientOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the process;
  // the pool discards it and the next checkout reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** A Prisma client over `pool` (the caller ends the pool after `$disconnect`). */
export function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}
