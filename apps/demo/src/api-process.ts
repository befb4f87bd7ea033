// The API as one of the demo's child processes: apps/api's own binary (`dist/cli.js serve`) with
// local-dev auth on 127.0.0.1, and its `token` commands for the demo agent's token. The demo
// imports nothing of the API: it runs the same program an operator runs. Without DATABASE_URL
// the API starts an embedded PostgreSQL in the data directory; the token commands, run with the
// same data directory, reuse that server.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnLogged, waitForHttp, type Child } from './children.js';

export interface ApiProcess {
  url: string;
  child: Child;
  /** The API's binary and the environment it runs with (the token commands share it). */
  cli: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Starts the API and waits until it is ready (migrations applied, listening). */
export async function startApi(options: { root: string; dataDir: string; port: string; logFile: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ApiProcess> {
  const cli = path.join(options.root, 'apps', 'api', 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`the API is not built (${cli} is missing): run \`npm run build\``);
  const env = { ...process.env, ...options.env, STRATUM_LOCAL_DEV: 'true', HOST: '127.0.0.1', PORT: options.port, STRATUM_DATA_DIR: options.dataDir };
  const child = spawnLogged('API', process.execPath, [cli, 'serve'], { cwd: options.root, env, logFile: options.logFile });
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(`${url}/readyz`, options.timeoutMs ?? 180_000, child);
  } catch (error) {
    await child.stop();
    throw new Error(`${(error as Error).message} (see ${options.logFile})`);
  }
  return { url, child, cli, env, cwd: options.root };
}

async function tokenCommand(api: ApiProcess, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [api.cli, 'token', ...args], { cwd: api.cwd, env: api.env, timeout: 60_000 });
}

/** A new AGENT token for the demo's agent: its secret (printed once by the API) and its id. */
export async function createAgentToken(api: ApiProcess, label: string): Promise<{ token: string; id: string }> {
  const { stdout, stderr } = await tokenCommand(api, ['create', '--role', 'AGENT', '--label', label]);
  const id = /created AGENT token (\S+) /.exec(stderr)?.[1];
  const token = stdout.trim();
  if (!id || !token) throw new Error(`unexpected answer from \`stratum-api token create\`: ${stderr.trim() || stdout.trim()}`);
  return { token, id };
}

export async function revokeToken(api: ApiProcess, id: string): Promise<void> {
  await tokenCommand(api, ['revoke', id]);
}
