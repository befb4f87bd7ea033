// Starts the built dashboard (Next.js standalone server, as the Docker image runs it) on a free
// loopback port, pointed at an API, in local-dev or login mode, and Debian's Chromium through
// playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '@stratum/db';

const require = createRequire(import.meta.url);

export const WEB_DIR = path.dirname(require.resolve('@stratum/web/package.json'));

/** The standalone server.js and its static assets (copied next to it the way the Dockerfile does). */
function standaloneServer(): string {
  const root = path.join(WEB_DIR, '.next', 'standalone');
  const server = path.join(root, 'apps', 'web', 'server.js');
  if (!fs.existsSync(server)) throw new Error(`no built dashboard at ${server}: run \`npm run build -w @stratum/web\` first`);
  const staticSrc = path.join(WEB_DIR, '.next', 'static');
  const staticDst = path.join(root, 'apps', 'web', '.next', 'static');
  const buildId = fs.readFileSync(path.join(WEB_DIR, '.next', 'BUILD_ID'), 'utf8');
  const marker = path.join(staticDst, '.build-id');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== buildId) {
    fs.rmSync(staticDst, { recursive: true, force: true });
    fs.cpSync(staticSrc, staticDst, { recursive: true });
    fs.writeFileSync(marker, buildId);
  }
  const publicSrc = path.join(WEB_DIR, 'public');
  if (fs.existsSync(publicSrc)) fs.cpSync(publicSrc, path.join(root, 'apps', 'web', 'public'), { recursive: true });
  return server;
}

/**
 * How the dashboard runs: local-dev (no sign-in; requests act with `serverToken`, or with none
 * against a local-dev API) or login mode (each person signs in; sessions sealed with `sessionSecret`).
 */
export type WebMode = { serverToken: string | null } | { sessionSecret: string };

export interface RunningWeb {
  url: string;
  output: string[];
  close(): Promise<void>;
}

export async function startWeb(apiUrl: string, mode: WebMode): Promise<RunningWeb> {
  const server = standaloneServer();
  const port = await freePort();
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port), HOSTNAME: '127.0.0.1', STRATUM_API_URL: apiUrl,
    ...('sessionSecret' in mode
      ? { SESSION_SECRET: mode.sessionSecret }
      : { STRATUM_LOCAL_DEV: '1', ...(mode.serverToken ? { STRATUM_API_TOKEN: mode.serverToken } : {}) }),
  };
  const child: ChildProcess = spawn(process.execPath, [server], { cwd: path.dirname(server), env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited (${child.exitCode}): ${output.join('')}`);
    try {
      const response = await fetch(`${url}/robots.txt`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the dashboard did not start within 30 s: ${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
