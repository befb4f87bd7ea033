// Connections: Prisma (through the pg driver adapter, no native engine) for the relational
// core, and a plain pg Pool for the hot paths (metric ingestion with unnest/COPY, bucketed reads).
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

export function createPrismaClient(url: string, options: ClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.max ?? 10,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  return new PrismaClient({ adapter });
}
