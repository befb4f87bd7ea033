import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configDir, configPath, readStoredConfig, resolveConnection, saveLogin } from '../src/cli/config.js';
import { StratumError } from '../src/sdk/errors.js';

let home: string;
beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-config-')); });
afterEach(() => { fs.rmSync(home, { recursive: true, force: true }); });

describe('config location', () => {
  it('uses XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/stratum');
    expect(configDir({}, '/home/u')).toBe('/home/u/.config/stratum');
    // The XDG spec says relative values are invalid and must be ignored.
    expect(configDir({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/stratum');
    expect(configPath({}, '/home/u')).toBe('/home/u/.config/stratum/config.json');
  });
});

describe('saveLogin', () => {
  it('writes a 0600 file in a 0700 directory, normalising the URL', () => {
    const file = path.join(home, 'cfg', 'stratum', 'config.json');
    saveLogin({ url: 'http://localhost:4000/', token: 'stm_abc' }, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ url: 'http://localhost:4000', token: 'stm_abc' });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']); // no temporary left behind
  });

  it('replaces an existing, too-open file with a 0600 one', () => {
    const file = path.join(home, 'config.json');
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    saveLogin({ url: 'https://stratum.example.org', token: 'stm_new' }, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readStoredConfig(file)).toEqual({ url: 'https://stratum.example.org', token: 'stm_new' });
  });

  it('refuses a non-http URL or a token with spaces, writing nothing', () => {
    const file = path.join(home, 'config.json');
    expect(() => saveLogin({ url: 'ftp://x', token: 'stm_a' }, file)).toThrow(/url: must be an http\(s\) URL/);
    expect(() => saveLogin({ url: 'http://x', token: 'stm a' }, file)).toThrow(/token: must not contain whitespace/);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('readStoredConfig', () => {
  it('returns null when absent and names the problem when malformed', () => {
    const file = path.join(home, 'config.json');
    expect(readStoredConfig(file)).toBeNull();
    fs.writeFileSync(file, '{"url": "http://x", "tokn": "a"}');
    expect(() => readStoredConfig(file)).toThrow(/unknown key\(s\) tokn/);
    fs.writeFileSync(file, '{"url": ');
    expect(() => readStoredConfig(file)).toThrow(/not valid JSON/);
  });
});

describe('resolveConnection', () => {
  const file = () => path.join(home, 'config.json');

  it('prefers flags over env over the stored file, and reports where each came from', () => {
    saveLogin({ url: 'http://file:1', token: 'stm_file' }, file());
    expect(resolveConnection({ env: {}, file: file() })).toEqual({ url: 'http://file:1', token: 'stm_file', source: { url: 'file', token: 'file' } });
    const env = { STRATUM_URL: 'http://env:2', STRATUM_TOKEN: 'stm_env' };
    expect(resolveConnection({ env, file: file() })).toMatchObject({ url: 'http://env:2', token: 'stm_env', source: { url: 'env', token: 'env' } });
    expect(resolveConnection({ env, file: file(), flags: { url: 'http://flag:3' } })).toMatchObject({ url: 'http://flag:3', token: 'stm_env', source: { url: 'flag', token: 'env' } });
    // Only the URL from env: the token still comes from the file.
    expect(resolveConnection({ env: { STRATUM_URL: 'http://env:2' }, file: file() })).toMatchObject({ url: 'http://env:2', token: 'stm_file' });
  });

  it('explains how to log in when nothing is configured, and allows no token (local-dev servers)', () => {
    const error = (() => { try { resolveConnection({ env: {}, file: file() }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(StratumError);
    expect((error as StratumError).code).toBe('CONFIG_ERROR');
    expect((error as Error).message).toMatch(/stratum login --url/);
    expect(resolveConnection({ env: { STRATUM_URL: 'http://127.0.0.1:4000' }, file: file() })).toMatchObject({ token: null, source: { token: 'none' } });
  });

  it('rejects a malformed URL from the environment as a usage error', () => {
    expect(() => resolveConnection({ env: { STRATUM_URL: 'localhost:4000', STRATUM_TOKEN: 't' }, file: file() })).toThrow(/STRATUM_URL: must be an http\(s\) URL/);
  });
});
