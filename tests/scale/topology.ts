// The scale-out topology on one machine, loopback only, as the README draws it: a PostgreSQL
// primary and its streaming replica, N `stratum-api` processes writing to the primary and reading
// dashboard queries from the replica (DATABASE_READ_URL), HAProxy in front of them, and optionally
// s3rver as the artifact store. Agents and readers talk to `balancer.url`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '@stratum/db';
import { generateToken, hashToken } from '@stratum/api';
import { clusterUnavailable, createDatabase, startPrimary, startReplica, type PgServer } from '../support/pg-cluster.js';
import { haproxyUnavailable, startBalancer, type Balancer } from '../support/haproxy.js';
import { startApiProcess, type ApiProcess } from '../support/processes.js';
import { startS3, type S3Endpoint } from '../support/s3.js';

export const PEPPER = 'scale-topology-pepper-0123456789abcdef';

/** Why the topology cannot be built on this machine, or null. */
export function topologyUnavailable(): string | null {
  return clusterUnavailable() ?? haproxyUnavailable();
}

/**
 * Throws in CI (CI=true) when the topology cannot be built, so the suite fails instead of
 * skipping there; elsewhere returns the reason to skip with.
 */
export function skipReason(): string | null {
  const reason = topologyUnavailable();
  if (reason && process.env.CI === 'true') throw new Error(`tests/scale cannot run in CI: ${reason}`);
  return reason;
}

export interface TopologyOptions {
  replicas: number;
  s3?: boolean;
  /** Extra environment for API process `i`. */
  apiEnv?: (i: number) => Record<string, string>;
}

export interface Topology {
  primary: PgServer;
  replica: PgServer;
  /** The application database on the primary, and the same database on the replica. */
  databaseUrl: string;
  readUrl: string;
  s3: S3Endpoint | null;
  apis: Array<ApiProcess | null>;
  ports: number[];
  balancer: Balancer;
  /** A pool on the primary for set-up and checks. */
  pool: pg.Pool;
  /** A token of `role`, inserted directly (hashed with the topology's pepper). */
  token(role: 'ADMIN' | 'WRITER' | 'READER' | 'AGENT', label?: string): Promise<string>;
  /** kill -9 of API replica `i`; resolves once it is gone. */
  kill(i: number): Promise<void>;
  /** Starts API replica `i` again on its port (after kill). */
  restart(i: number): Promise<ApiProcess>;
  close(): Promise<void>;
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop().catch(() => undefined);
  };
  try {
    const primary = await startPrimary();
    closers.push(() => primary.stop('immediate'));
    const databaseUrl = await createDatabase(primary, 'stratum');
    const replica = await startReplica(primary);
    closers.push(() => replica.stop('immediate'));
    const readUrl = replica.url('stratum');
    const s3 = options.s3 ? await startS3() : null;
    if (s3) closers.push(() => s3.close());
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-scale-'));
    closers.push(async () => fs.rmSync(scratch, { recursive: true, force: true }));

    const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
    const envFor = (i: number) => ({
      DATABASE_URL: databaseUrl,
      DATABASE_READ_URL: readUrl,
      STRATUM_DATA_DIR: path.join(scratch, `api-${i}`),
      // Without S3 the replicas share one artifact directory, as they would share a volume.
      ARTIFACT_DIR: path.join(scratch, 'artifacts'),
      TOKEN_PEPPER: PEPPER,
      PORT: String(ports[i]),
      REPLICA_LAG_POLL_MS: '200',
      ...(s3 ? s3.env() : {}),
      ...options.apiEnv?.(i),
    });
    const apis: Array<ApiProcess | null> = [];
    closers.push(async () => {
      for (const api of apis) await api?.stop(5_000);
    });
    // The first one applies the migrations; the rest start side by side.
    apis.push(await startApiProcess(envFor(0)));
    apis.push(...(await Promise.all(ports.slice(1).map((_, i) => startApiProcess(envFor(i + 1))))));
    const balancer = await startBalancer(ports);
    closers.push(() => balancer.stop());
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    closers.push(() => pool.end());

    return {
      primary, replica, databaseUrl, readUrl, s3, apis, ports, balancer, pool,
      token: async (role, label = `scale ${role.toLowerCase()}`) => {
        const token = generateToken();
        await pool.query('INSERT INTO api_tokens (label, role, hash, prefix) VALUES ($1, $2::"TokenRole", $3, $4)', [label, role, hashToken(token, PEPPER), token.slice(0, 10)]);
        return token;
      },
      kill: async (i) => {
        const api = apis[i];
        if (!api) return;
        apis[i] = null;
        api.child.kill('SIGKILL');
        await api.exited;
      },
      restart: async (i) => {
        if (apis[i]) throw new Error(`API replica ${i} is still running`);
        const api = await startApiProcess(envFor(i));
        apis[i] = api;
        return api;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
