// Starts the real API in-process on a fresh test database, with a token per role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import { createLogger, loadConfig, startApi, type RunningApi } from '@stratum/api';

export type Role = 'admin' | 'writer' | 'reader' | 'agent';

export interface StartedApi {
  api: RunningApi;
  db: TestDatabase;
  url: string;
  dataDir: string;
  tokens: Record<Role, string>;
  logLines: string[];
  gql(query: string, variables?: unknown, token?: string | null): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } }>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Log through the API's own logger (its production redaction rules) instead of the test one. */
  productionLogger?: boolean;
}

export async function startApiForTest(env: Record<string, string> = {}, options: StartOptions = {}): Promise<StartedApi> {
  const db = await createTestDatabase('it');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-it-'));
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir, TOKEN_PEPPER: 'integration-test-pepper-0123456789', LOG_LEVEL: 'debug', ...env });
  const logLines: string[] = [];
  const sink = { write: (line: string) => void logLines.push(line) };
  const log = options.productionLogger
    ? createLogger(config.LOG_LEVEL, sink)
    : pino({ level: 'debug', redact: { paths: ['req.headers.authorization', 'authorization', 'token', '*.token'], censor: '[redacted]' } }, sink);
  const api = await startApi(config, { log, bootstrapAdmin: false });
  const tokens: Record<Role, string> = {
    admin: (await api.services.tokens.create('ADMIN', 'it admin')).token,
    writer: (await api.services.tokens.create('WRITER', 'it writer')).token,
    reader: (await api.services.tokens.create('READER', 'it reader')).token,
    agent: (await api.services.tokens.create('AGENT', 'it agent')).token,
  };
  const gql: StartedApi['gql'] = async (query, variables = {}, token = tokens.admin) => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof variables === 'string' ? variables : JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: Awaited<ReturnType<StartedApi['gql']>>['body'];
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `non-JSON response: ${text.slice(0, 200)}` }] };
    }
    return { status: response.status, body };
  };
  return {
    api, db, url: api.url, dataDir, tokens, logLines, gql,
    close: async () => {
      await api.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
