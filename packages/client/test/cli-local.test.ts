// With nothing configured, the CLI uses a local API in local-dev mode when one answers (the demo's
// at 127.0.0.1:4000; here one on a free port named by STRATUM_LOCAL_URL), and says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startApi, type RunningApi } from '@stratum/api';
import { closedPort, startStack, type Stack } from './harness.js';

let s: Stack;
let local: RunningApi;
let dataDir: string;

beforeAll(async () => {
  s = await startStack();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-client-local-'));
  // A second API on the same database, as the demo runs it: anonymous requests are its admin.
  local = await startApi(loadConfig({
    DATABASE_URL: s.db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir, STRATUM_LOCAL_DEV: 'true',
    TOKEN_PEPPER: 'client-test-pepper-0123456789', LOG_LEVEL: 'silent', REAPER_INTERVAL_MS: '60000',
  }), { bootstrapAdmin: false });
});
afterAll(async () => {
  await local?.close();
  await s?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the local fallback', () => {
  it('uses a local API in local-dev mode when nothing is configured, and says so on stderr', async () => {
    const result = await s.cli(['whoami', '--json'], { as: null, env: { STRATUM_URL: undefined, STRATUM_LOCAL_URL: local.url } });
    expect(result.stderr).toBe(`stratum: no API configured; using the local API at ${local.url} (local-dev mode, no token). Run \`stratum login\` or set STRATUM_URL for another.\n`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ url: local.url, role: 'ADMIN', label: 'local-dev', source: { url: 'local', token: 'none' } });
  });

  it('keeps the "no API URL" error when nothing answers there, or the server there wants a token', async () => {
    for (const url of [`http://127.0.0.1:${await closedPort()}`, s.url]) {
      const result = await s.cli(['sweep', 'ls'], { as: null, env: { STRATUM_URL: undefined, STRATUM_LOCAL_URL: url } });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^stratum: no API URL: run `stratum login --url <url> --token <token>`, set STRATUM_URL, or pass --url/);
    }
  });

  it('never overrides what is configured', async () => {
    const result = await s.cli(['whoami', '--json'], { env: { STRATUM_LOCAL_URL: local.url } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ url: s.url, role: 'WRITER', source: { url: 'env', token: 'env' } });
  });
});
