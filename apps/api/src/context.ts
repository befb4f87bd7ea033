// Per-request context: who is calling, the app's services, and per-request DataLoaders.
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { PrismaClient } from '@stratum/db';
import type { ApiConfig } from './env.js';
import type { Logger } from './logger.js';
import type { Principal, TokenService } from './auth/tokens.js';
import type { PostgresPubSub } from './events/pubsub.js';
import type { ArtifactStore } from './common/artifact-store.js';
import type { ReadRouter } from './replica/read-router.js';
import type { ApiMetrics } from './system/metrics.js';

export interface AppServices {
  config: ApiConfig;
  prisma: PrismaClient;
  /**
   * Writes, and reads that must see the caller's own writes: anything looked up by id or name
   * (a sweep and its status right after createSweep, a run after cancelRun, an agent's own jobs).
   */
  pool: pg.Pool;
  /**
   * Dashboard scans that may lag a little (lists, series, grids, comparisons): the replica when
   * DATABASE_READ_URL is set and its lag is within DATABASE_READ_MAX_LAG_MS, else the primary.
   * Read it per query: it changes as the replica's lag does.
   */
  readonly readPool: pg.Pool;
  /** The Prisma client on whichever pool readPool is now (the same rule, for the relational core's lists). */
  readonly readPrisma: PrismaClient;
  /** Routes readPool and reports the replica's lag. */
  reads: ReadRouter;
  metrics: ApiMetrics;
  log: Logger;
  pubsub: PostgresPubSub;
  tokens: TokenService;
  artifacts: ArtifactStore;
}

export interface Context {
  app: AppServices;
  principal: Principal | null;
  requestId: string;
  /** A DataLoader for this request, created on first use under `name`. */
  loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V>;
}

export function createContext(app: AppServices, principal: Principal | null, requestId: string): Context {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    app,
    principal,
    requestId,
    loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>) {
      let found = loaders.get(name);
      if (!found) {
        found = new DataLoader<K, V>(batch) as DataLoader<unknown, unknown>;
        loaders.set(name, found);
      }
      return found as unknown as DataLoader<K, V>;
    },
  };
}
