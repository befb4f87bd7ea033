import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, defaultAgentName, loadAgentConfig } from '../src/env.js';

const base = { STRATUM_URL: 'http://api.example:4000', STRATUM_TOKEN: 'stm_agent' };

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AgentConfigError) return error.message;
    throw error;
  }
  throw new Error('expected an AgentConfigError');
}

describe('loadAgentConfig', () => {
  it('reads every setting from the environment', () => {
    const c = loadAgentConfig([], {
      ...base,
      STRATUM_AGENT_NAME: 'gpu-7',
      STRATUM_DEVICES: '0,2',
      STRATUM_BACKEND: 'tensorflow-gpu',
      STRATUM_MAX_JOBS: '2',
      STRATUM_WORK_DIR: '/srv/agent',
      STRATUM_LABELS: 'zone=eu,gpu=a100',
      STRATUM_ONCE: '1',
      STRATUM_LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      api: 'http://api.example:4000',
      token: 'stm_agent',
      name: 'gpu-7',
      devices: { kind: 'gpu', ids: [0, 2] },
      backend: 'tensorflow-gpu',
      maxJobs: 2,
      workDir: '/srv/agent',
      labels: { zone: 'eu', gpu: 'a100' },
      once: true,
      logLevel: 'debug',
    });
  });

  it('lets flags override the environment', () => {
    const c = loadAgentConfig(
      ['--api', 'https://other/graphql/', '--token', 'flagtoken', '--devices', 'cpu', '--backend', 'wasm', '--max-jobs', '3', '--labels', 'a=1', '--labels', 'b=x=y', '--once', '--work-dir', 'rel/dir'],
      { ...base, STRATUM_DEVICES: '0', STRATUM_BACKEND: 'cpu', STRATUM_LABELS: 'ignored=1' },
    );
    expect(c.api).toBe('https://other'); // trailing /graphql and slashes removed
    expect(c.token).toBe('flagtoken');
    expect(c.devices).toEqual({ kind: 'cpu' });
    expect(c.backend).toBe('wasm');
    expect(c.maxJobs).toBe(3);
    expect(c.labels).toEqual({ a: '1', b: 'x=y' });
    expect(c.once).toBe(true);
    expect(c.workDir).toBe(path.resolve('rel/dir'));
  });

  it('fills defaults', () => {
    const c = loadAgentConfig([], base);
    expect(c.devices).toEqual({ kind: 'auto' });
    expect(c.backend).toBe('auto');
    expect(c.maxJobs).toBeNull();
    expect(c.once).toBe(false);
    expect(c.workDir).toBe(path.join(os.homedir(), '.stratum', 'agent'));
    expect(c.name).toBe(defaultAgentName(c.workDir));
    expect(c.pollMinMs).toBeLessThanOrEqual(c.pollMaxMs);
  });

  it('derives distinct default names for distinct work dirs on one host', () => {
    const a = defaultAgentName('/tmp/agent-a');
    const b = defaultAgentName('/tmp/agent-b');
    expect(a).not.toBe(b);
    expect(a.startsWith(os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 80))).toBe(true);
    expect(defaultAgentName('/tmp/agent-a/')).toBe(a);
  });

  it('names the flag and the variable of each invalid setting', () => {
    const message = problem(() => loadAgentConfig([], { ...base, STRATUM_BACKEND: 'cuda', STRATUM_MAX_JOBS: '0', STRATUM_DEVICES: '0,x' }));
    expect(message).toMatch(/--backend \(STRATUM_BACKEND\)/);
    expect(message).toMatch(/--max-jobs \(STRATUM_MAX_JOBS\)/);
    expect(message).toMatch(/--devices \(STRATUM_DEVICES\).*"0,x"/);
  });

  it('requires the API URL and the token', () => {
    const message = problem(() => loadAgentConfig([], {}));
    expect(message).toMatch(/--api \(STRATUM_URL\): required/);
    expect(message).toMatch(/--token \(STRATUM_TOKEN\): required/);
    expect(problem(() => loadAgentConfig(['--api', 'ftp://x', '--token', 't'], {}))).toMatch(/http\(s\) URL/);
  });

  it('refuses duplicate GPUs, malformed labels, unknown flags and inverted poll bounds', () => {
    expect(problem(() => loadAgentConfig(['--devices', '1,1'], base))).toMatch(/listed twice/);
    expect(problem(() => loadAgentConfig(['--labels', 'novalue'], base))).toMatch(/key=value/);
    expect(problem(() => loadAgentConfig(['--gpu'], base))).toMatch(/unknown option '--gpu'/);
    expect(problem(() => loadAgentConfig(['--poll-min-ms', '500', '--poll-max-ms', '100'], base))).toMatch(/--poll-max-ms/);
  });

  it('treats the empty string as unset', () => {
    expect(loadAgentConfig([], { ...base, STRATUM_BACKEND: '', STRATUM_LABELS: '' }).backend).toBe('auto');
  });

  it('prints help through the given writer', () => {
    let text = '';
    expect(() => loadAgentConfig(['--help'], {}, (t) => (text += t))).toThrow(CommanderError);
    for (const flag of ['--api', '--token', '--name', '--devices', '--backend', '--max-jobs', '--work-dir', '--labels', '--once', '--log-level']) expect(text).toContain(flag);
    for (const variable of ['STRATUM_URL', 'STRATUM_TOKEN', 'STRATUM_AGENT_NAME', 'STRATUM_DEVICES', 'STRATUM_BACKEND', 'STRATUM_MAX_JOBS', 'STRATUM_WORK_DIR', 'STRATUM_LABELS']) {
      expect(text).toContain(variable);
    }
  });
});

describe('the token from a file (argv is visible in ps)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-token-'));
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'stm_from_file\n', { mode: 0o600 });

  it('reads --token-file and STRATUM_TOKEN_FILE, trimming the trailing newline', () => {
    expect(loadAgentConfig(['--token-file', file], { STRATUM_URL: base.STRATUM_URL }).token).toBe('stm_from_file');
    expect(loadAgentConfig([], { STRATUM_URL: base.STRATUM_URL, STRATUM_TOKEN_FILE: file }).token).toBe('stm_from_file');
  });

  it('names a missing or empty file, and refuses a token given twice', () => {
    expect(problem(() => loadAgentConfig(['--token-file', path.join(dir, 'absent')], { STRATUM_URL: base.STRATUM_URL }))).toMatch(/--token-file \(STRATUM_TOKEN_FILE\): cannot read .*absent/);
    fs.writeFileSync(path.join(dir, 'empty'), '\n');
    expect(problem(() => loadAgentConfig(['--token-file', path.join(dir, 'empty')], { STRATUM_URL: base.STRATUM_URL }))).toMatch(/--token-file \(STRATUM_TOKEN_FILE\): .*empty/);
    expect(problem(() => loadAgentConfig(['--token-file', file], base))).toMatch(/give the token once: --token \/ STRATUM_TOKEN or --token-file \/ STRATUM_TOKEN_FILE/);
  });
});
