// Real processes for reliability tests: the API server (`stratum-api serve`, the compiled dist) and
// the agent daemon (`stratum-agent`), each with its output kept for diagnostics.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WORKER_PATH } from '@stratum/agent';

export interface ChildHandle {
  child: ChildProcess;
  /** stdout + stderr so far (the last 200 kB). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

function track(child: ChildProcess): ChildHandle {
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => output,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });

export interface ApiProcess extends ChildHandle {
  url: string;
}

/** Starts `stratum-api serve` on 127.0.0.1:`port` and waits until /readyz answers. */
export async function startApiProcess(env: { DATABASE_URL: string; STRATUM_DATA_DIR: string; TOKEN_PEPPER: string; PORT: string } & Record<string, string>): Promise<ApiProcess> {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('@stratum/api')), 'cli.js');
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { ...baseEnv(), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = track(child);
  const url = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}: ${handle.output().slice(-2000)}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { ...handle, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the API did not become ready within 60 s: ${handle.output().slice(-2000)}`);
}

/** Starts the agent daemon against `url` with `token`, training on wasm with debug logs. */
export function spawnAgentDaemon(url: string, token: string, workDir: string, env: Record<string, string> = {}, args: string[] = []): ChildHandle {
  const cli = path.join(path.dirname(WORKER_PATH), '..', 'cli.js');
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...baseEnv(), STRATUM_URL: url, STRATUM_TOKEN: token, STRATUM_WORK_DIR: workDir, STRATUM_BACKEND: 'wasm', STRATUM_DEVICES: 'cpu',
      STRATUM_LOG_LEVEL: 'debug', STRATUM_POLL_MIN_MS: '100', STRATUM_POLL_MAX_MS: '300', STRATUM_BATCH_MS: '100', STRATUM_KILL_GRACE_MS: '1000', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child);
}

/** Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
