// Wires the API together: database (embedded when DATABASE_URL is unset), migrations, services,
// schema, HTTP server and background tasks. Used by main.ts, the tests and the demo.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type pg from 'pg';
import type { Express } from 'express';
import { createPool, createPrismaClient, migrate, openDatabase } from '@stratum/db';
import type { ApiConfig } from './env.js';
import { createLogger, type Logger } from './logger.js';
import { TokenService } from './auth/tokens.js';
import { PostgresPubSub } from './events/pubsub.js';
import { createArtifactStore } from './artifact/select-store.js';
import type { ArtifactStore } from './common/artifact-store.js';
import type { AppServices } from './context.js';
import { createSchema } from './schema.js';
import { createApiServer } from './server.js';
import { backgroundTasks } from './modules.js';
import { ReadRouter } from './replica/read-router.js';
import { ApiMetrics } from './system/metrics.js';

export interface RunningApi {
  url: string;
  port: number;
  /** The Express application behind `url` (tests drive it in-process with supertest). */
  app: Express;
  services: AppServices;
  /** Printed once: the admin token created on first start (null when tokens already existed). */
  firstAdminToken: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Replace the artifact store (tests, S3). */
  artifacts?: ArtifactStore;
  /** Skip the first-admin-token bootstrap (tests create their own tokens). */
  bootstrapAdmin?: boolean;
}

/** The token pepper: from config, else generated once and kept (0600) in the data directory. */
export function tokenPepper(config: ApiConfig): string {
  if (config.TOKEN_PEPPER) return config.TOKEN_PEPPER;
  const file = path.join(config.STRATUM_DATA_DIR, 'token-pepper');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.STRATUM_DATA_DIR, { recursive: true });
  const pepper = crypto.randomBytes(32).toString('hex');
  try {
    fs.writeFileSync(file, pepper + '\n', { mode: 0o600, flag: 'wx' });
    return pepper;
  } catch {
    return fs.readFileSync(file, 'utf8').trim(); // another replica wrote it first
  }
}

export async function createServices(config: ApiConfig, options: StartOptions = {}): Promise<{ services: AppServices; closeDatabase: () => Promise<void> }> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.STRATUM_DATA_DIR, 'postgres'), log });
  await migrate(database.url, { log });
  // One pool for Prisma and raw SQL alike (20: what the two separate pools of 10 held before).
  const pool = createPool(database.url, { max: 20, statementTimeoutMs: config.QUERY_TIMEOUT_MS });
  const replicaPool: pg.Pool | null = config.DATABASE_READ_URL ? createPool(config.DATABASE_READ_URL, { max: 10, statementTimeoutMs: config.QUERY_TIMEOUT_MS }) : null;
  const metrics = new ApiMetrics();
  const reads = new ReadRouter(pool, replicaPool, { maxLagMs: config.DATABASE_READ_MAX_LAG_MS, pollMs: config.REPLICA_LAG_POLL_MS, log, onMeasured: (state) => metrics.replicaMeasured(state) });
  await reads.poll();
  reads.start();
  const prisma = createPrismaClient(pool);
  const replicaPrisma = replicaPool ? createPrismaClient(replicaPool) : null;
  const pubsub = new PostgresPubSub(database.url, pool, log);
  await pubsub.start();
  const services: AppServices = {
    config,
    prisma,
    pool,
    get readPool() {
      return reads.pool;
    },
    get readPrisma() {
      return replicaPrisma && reads.pool === replicaPool ? replicaPrisma : prisma;
    },
    reads,
    metrics,
    log,
    pubsub,
    tokens: new TokenService(prisma, tokenPepper(config)),
    artifacts: options.artifacts ?? (await createArtifactStore(config)),
  };
  const closeDatabase = async () => {
    await pubsub.close();
    await prisma.$disconnect();
    await replicaPrisma?.$disconnect();
    await reads.stop();
    if (replicaPool) await replicaPool.end();
    await pool.end();
    await database.close();
  };
  return { services, closeDatabase };
}

export async function startApi(config: ApiConfig, options: StartOptions = {}): Promise<RunningApi> {
  const { services, closeDatabase } = await createServices(config, options);
  let firstAdminToken: string | null = null;
  if (options.bootstrapAdmin !== false && (await services.tokens.count()) === 0) {
    firstAdminToken = (await services.tokens.create('ADMIN', 'first admin (created on first start)')).token;
  }
  const schema = await createSchema(services.pubsub);
  const server = await createApiServer(services, schema);
  const port = await server.listen(config.PORT, config.HOST);
  const tasks = backgroundTasks.map((start) => start(services));
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  services.log.info({ port, host: config.HOST, localDev: config.STRATUM_LOCAL_DEV }, 'Stratum API listening');
  return {
    url: `http://${host}:${port}`,
    port,
    app: server.app,
    services,
    firstAdminToken,
    close: async () => {
      for (const task of tasks) await task.stop();
      await server.close();
      await closeDatabase();
    },
  };
}
