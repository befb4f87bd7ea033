// Per-request context: who is calling, the app's services, and per-request DataLoaders.
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { PrismaClient } from '@stratum/db';
import type { ApiConfig } from './env.js';
import type { Logger } from './logger.js';
import type { Principal, TokenService } from './auth/tokens.js';
import type { PostgresPubSub } from './events/pubsub.js';
import type { ArtifactStore } from './common/artifact-store.js';

export interface AppServices {
  config: ApiConfig;
  prisma: PrismaClient;
  /** Writes and reads that must see them. */
  pool: pg.Pool;
  /** Dashboard reads (a replica when DATABASE_READ_URL is set, else the same pool). */
  readPool: pg.Pool;
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
