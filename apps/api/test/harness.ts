// Starts a real API on a fresh, migrated PostgreSQL database for one test file, with one token
// per role. Tests drive its Express app in-process with supertest (`t.http`, and the GraphQL
// helpers on top of it); subscriptions and agents use the listening server at `t.url`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import { loadConfig, type ApiConfig } from '../src/env.js';
import { startApi, type RunningApi } from '../src/app.js';

export type Role = 'admin' | 'writer' | 'reader' | 'agent';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown }; path?: Array<string | number> }>;
}

export interface TestApi {
  api: RunningApi;
  db: TestDatabase;
  url: string;
  tokens: Record<Role, string>;
  dataDir: string;
  /** supertest bound to the API's Express app: `await t.http.get('/healthz')`. */
  http: ReturnType<typeof supertest>;
  /** POST a GraphQL operation with the given role's token (or a raw token / none). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, as?: Role | { token: string | null }): Promise<GraphQLResponse<T>>;
  /** Like gql, but throws on any error and returns data. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, as?: Role | { token: string | null }): Promise<T>;
  close(): Promise<void>;
}

export async function startTestApi(env: Record<string, string> = {}, logLines?: string[]): Promise<TestApi> {
  const db = await createTestDatabase('api');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-api-test-'));
  const config: ApiConfig = loadConfig({
    DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir,
    TOKEN_PEPPER: 'test-pepper-0123456789abcdef', LOG_LEVEL: logLines ? 'debug' : 'silent', REAPER_INTERVAL_MS: '200', ...env,
  });
  const destination = logLines ? { write: (line: string) => void logLines.push(line) } : undefined;
  const log = pino({ level: config.LOG_LEVEL, redact: { paths: ['req.headers.authorization', 'authorization', 'token', '*.token'], censor: '[redacted]' } }, destination);
  const api = await startApi(config, { log, bootstrapAdmin: false });
  const tokens = {
    admin: (await api.services.tokens.create('ADMIN', 'test admin')).token,
    writer: (await api.services.tokens.create('WRITER', 'test writer')).token,
    reader: (await api.services.tokens.create('READER', 'test reader')).token,
    agent: (await api.services.tokens.create('AGENT', 'test agent')).token,
  };
  const http = supertest(api.app);
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, as: Role | { token: string | null } = 'admin'): Promise<GraphQLResponse<T>> => {
    const token = typeof as === 'string' ? tokens[as] : as.token;
    const request = http.post('/graphql').set('content-type', 'application/json');
    if (token) request.set('authorization', `Bearer ${token}`);
    const response = await request.send({ query, variables });
    return { ...(response.body as GraphQLResponse<T>), status: response.status };
  };
  return {
    api, db, url: api.url, tokens, dataDir, http, gql,
    ok: async <T>(query: string, variables?: Record<string, unknown>, as?: Role | { token: string | null }) => {
      const result = await gql<T>(query, variables, as);
      if (result.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    close: async () => {
      await api.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
