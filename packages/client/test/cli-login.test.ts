import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startStack, type Stack } from './harness.js';

let s: Stack;
beforeAll(async () => { s = await startStack(); });
afterAll(async () => { await s?.close(); });

describe('stratum login / whoami (child process, real API)', () => {
  it('verifies the token, stores it 0600, and later commands use it', async () => {
    const login = await s.cli(['login', '--url', s.url, '--token-stdin'], { as: null, env: { STRATUM_URL: undefined }, input: `${s.tokens.reader}\n` });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    const file = path.join(s.home, '.config', 'stratum', 'config.json');
    expect(login.stdout).toBe(`Logged in to ${s.url} as READER (client test reader).\nSaved to ${file} (mode 0600).\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ url: s.url, token: s.tokens.reader });

    const who = await s.cli(['whoami', '--json'], { as: null, env: { STRATUM_URL: undefined } });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toEqual({ url: s.url, role: 'READER', label: 'client test reader', source: { url: 'file', token: 'file' } });

    // The environment overrides the stored login.
    const env = await s.cli(['whoami', '--json'], { as: 'writer' });
    expect(JSON.parse(env.stdout)).toMatchObject({ role: 'WRITER', source: { url: 'env', token: 'env' } });
  });

  it('refuses a bad token without storing anything (exit 3) and a bad URL as usage (exit 2)', async () => {
    const home = path.join(s.home, 'other');
    const bad = await s.cli(['login', '--url', s.url, '--token', 'stm_wrong'], { as: null, env: { XDG_CONFIG_HOME: home } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/unknown or revoked \[UNAUTHENTICATED\]/);
    expect(fs.existsSync(path.join(home, 'stratum', 'config.json'))).toBe(false);
    const url = await s.cli(['login', '--url', 'localhost:4000', '--token', 'stm_x'], { as: null, env: { XDG_CONFIG_HOME: home } });
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/url: must be an http\(s\) URL/);
    const missing = await s.cli(['login', '--token', 'x'], { as: null });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/login needs --url <url>/);
  });

  it('reports an unreachable API as exit 3 after retrying', async () => {
    const port = await closedPort();
    const down = await s.cli(['whoami', '--verbose'], { env: { STRATUM_URL: `http://127.0.0.1:${port}` } });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`cannot reach the Stratum API at http://127.0.0.1:${port}/graphql (ECONNREFUSED) [NETWORK_ERROR]`);
    expect(down.stderr.match(/^retry \d of Viewer in \d+ ms/gm)).toHaveLength(4);
  });

  it('prints help with examples, exit 0', async () => {
    const help = await s.cli(['login', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}# log in\n {2}\$ stratum login --url/);
  });
});
