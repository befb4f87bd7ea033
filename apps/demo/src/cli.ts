#!/usr/bin/env node
// `npm run demo`: the API (local-dev auth on 127.0.0.1; it runs the migrations, on an embedded
// PostgreSQL unless DATABASE_URL is set) → dashboard → one local agent, each a child process
// running its app's own binary → the paper-in-miniature sweep, with a progress line per run.
// `--exit` runs the full sweep, prints the summary (per-run loss beside its trivial reference,
// consecutive-block CKA, the paper's findings with 95% intervals over seeds) and a last
// `RESULT demo …` line, then exits. `--quick` runs a three-run version on a fresh data directory and exits 0 when every run has
// finished with its evaluations (non-zero otherwise). Ctrl-C stops everything cleanly; a second
// `npm run demo` reuses the data and does not duplicate the sweep.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort } from '@stratum/db';
import { createAgentToken, revokeToken, startApi, type ApiProcess } from './api-process.js';
import { spawnLogged, waitForHttp, type Child } from './children.js';
import { factsTable, findings, findingsTable, resultLine, runFacts } from './findings.js';
import { followSweep, submitSweep, summaryTable, sweepRuns } from './progress.js';
import { ApiRetry } from './retry.js';
import { alreadyFinishedLine, demoAgentName } from './names.js';
import { FULL_SWEEP, QUICK_SWEEP, probeTarget } from './sweeps.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const USAGE = `usage: npm run demo [-- options]

  --quick             three short runs on a fresh data directory, then exit (0 when all finished)
  --exit              run the full sweep, print the summary and a RESULT line, then exit
  --data-dir <dir>    where the database, artifacts and logs live (default .stratum)
  --port <n>          the API's port (default $PORT or 4000)
  --web-port <n>      the dashboard's port (default 3000)
  --no-web            no dashboard
  --max-jobs <n>      jobs the local agent runs at a time (default 2)
  --help              this text
`;

function readArgs() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'web-port': { type: 'string', default: '3000' },
        web: { type: 'boolean', default: true },
        'no-web': { type: 'boolean', default: false },
        'max-jobs': { type: 'string', default: '2' },
        exit: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const args = readArgs();
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
// The demo's configuration, checked before anything starts: its numeric flags, and PORT from the
// environment (the API's port when --port is not given). The demo reads no other variable itself;
// the API and the agent validate their own.
const envPort = args.port === undefined ? process.env.PORT : undefined;
const numbers: Array<[label: string, value: string | undefined, low: number]> = [
  ['--port', args.port, 0], ['PORT', envPort, 0], ['--web-port', args['web-port'], 0], ['--max-jobs', args['max-jobs'], 1],
];
for (const [label, value, low] of numbers) {
  if (value !== undefined && !(/^\d+$/.test(value) && Number(value) >= low && Number(value) <= 65535)) {
    process.stderr.write(`demo: ${label} must be a whole number${low === 1 ? ' of at least 1' : ' (a port, 0–65535)'}, got ${JSON.stringify(value)}\n\n${USAGE}`);
    process.exit(2);
  }
}

const started = Date.now();
const say = (line: string) => process.stdout.write(`[demo ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const quick = args.quick;
const dataDir = path.resolve(args['data-dir'] ?? (quick ? path.join('.stratum', `quick-${Date.now()}`) : '.stratum'));
const withWeb = args.web && !args['no-web'] && !quick;
const logs = path.join(dataDir, 'logs');
fs.mkdirSync(logs, { recursive: true });

const children: Child[] = [];
let api: ApiProcess | undefined;
let agentTokenId: string | undefined;
const stopping = new AbortController();
let cleanupAfterStop: string | undefined;

let shuttingDown: Promise<never> | undefined;
function shutdown(code: number): Promise<never> {
  shuttingDown ??= stopAll(code);
  return shuttingDown;
}

async function stopAll(code: number): Promise<never> {
  stopping.abort();
  say('stopping: agent (drains its jobs), dashboard, API, PostgreSQL …');
  for (const child of children.reverse()) await child.stop().catch(() => undefined);
  if (api && agentTokenId) await revokeToken(api, agentTokenId).catch(() => undefined);
  await api?.child.stop().catch(() => undefined);
  if (cleanupAfterStop) fs.rmSync(cleanupAfterStop, { recursive: true, force: true });
  say(`stopped after ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

async function main(): Promise<number> {
  // The API validates its own configuration; the demo decides the loopback host, local-dev auth,
  // the data directory and (quick: any free one) the port. PORT and LOG_LEVEL otherwise keep the
  // API's defaults or the environment's values.
  const port = args.port ?? (quick ? String(await freePort()) : (envPort ?? '4000'));
  say(`data: ${dataDir}${process.env.DATABASE_URL ? ' (PostgreSQL from DATABASE_URL)' : ' (embedded PostgreSQL)'}; logs in ${logs}`);
  api = await startApi({ root, dataDir, port, logFile: path.join(logs, 'api.log') });
  say(`API: ${api.url}/graphql (local-dev: no token needed on 127.0.0.1)`);

  const sweep = quick ? QUICK_SWEEP : FULL_SWEEP;
  const retry = new ApiRetry({ print: say, signal: stopping.signal });
  const apiUrl = api.url;
  const submitted = await retry.call('declaring the sweep', () => submitSweep(apiUrl, sweep));
  say(submitted.created ? `sweep "${sweep.name}" queued` : `sweep "${sweep.name}" already exists: following it (nothing duplicated)`);

  if (withWeb) {
    const webDir = path.join(root, 'apps', 'web');
    if (!fs.existsSync(path.join(webDir, '.next', 'standalone', 'apps', 'web', 'server.js'))) {
      say('dashboard not built (run `npm run build`); continuing without it');
    } else {
      const port = args['web-port'];
      // The build is `output: standalone`: run its server.js (as the Docker image does), not `next start`.
      const web = spawnLogged('dashboard', process.execPath, [path.join(webDir, 'scripts', 'start-standalone.mjs')], {
        cwd: webDir, env: { ...process.env, STRATUM_API_URL: api.url, STRATUM_LOCAL_DEV: '1', NEXT_TELEMETRY_DISABLED: '1', PORT: port, HOSTNAME: '127.0.0.1', NODE_ENV: 'production' }, logFile: path.join(logs, 'web.log'),
      });
      children.push(web);
      const url = `http://127.0.0.1:${port}`;
      say(`Dashboard: ${url}/sweeps/${submitted.id}  (starting…)`);
      waitForHttp(url, 60_000, web).then(() => say(`dashboard ready at ${url}`), (error: Error) => say(`dashboard did not start: ${error.message} (see ${logs}/web.log)`));
    }
  }

  const agentToken = await createAgentToken(api, `demo agent ${new Date().toISOString()}`);
  agentTokenId = agentToken.id;
  const agent = spawnLogged('agent', process.execPath, [
    path.join(root, 'apps', 'agent', 'dist', 'cli.js'),
    '--api', api.url, '--name', demoAgentName(dataDir),
    '--work-dir', path.join(dataDir, 'agent'), '--max-jobs', args['max-jobs'], '--backend', 'auto',
    // The token goes in the environment, not the command line, which anyone on the host can list.
  ], { cwd: root, env: { ...process.env, STRATUM_TOKEN: agentToken.token, STRATUM_TOKEN_FILE: undefined, LOG_LEVEL: 'info' }, logFile: path.join(logs, 'agent.log') });
  children.push(agent);
  void agent.exited.then((code) => { if (!stopping.signal.aborted) say(`agent exited unexpectedly (code ${code}); see ${logs}/agent.log`); });
  say(`agent started (wasm/cpu here; ${args['max-jobs']} jobs at a time)`);

  // A rerun on a finished sweep: say when it finished rather than timing the follow-up.
  const before = submitted.created ? null : await retry.call('reading the sweep', () => sweepRuns(apiUrl, submitted.id));
  const wasFinished = before !== null && before.length > 0 && before.every((r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status));
  const runs = await followSweep(api.url, submitted.id, say, stopping.signal, 2000, retry);
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`\n${summaryTable(runs, probeTarget(sweep))}\n\n`);
  const facts = await retry.call('reading the final losses and CKA', () => runFacts(apiUrl, runs));
  process.stdout.write(`${factsTable(facts)}\n\n`);
  const list = findings(facts, probeTarget(sweep));
  if (!quick) process.stdout.write(`${findingsTable(list)}\n\n`);
  const ok = runs.length > 0 && runs.every((r) => r.status === 'SUCCEEDED' && r.evaluations.length > 0);
  if (quick && ok) cleanupAfterStop = dataDir; // a passing quick run leaves nothing behind
  const finishedLine = wasFinished ? alreadyFinishedLine(runs.map((r) => r.finishedAt), ok) : null;
  say(finishedLine ?? (ok ? `sweep finished in ${seconds} s: every run succeeded with its evaluations` : `sweep finished in ${seconds} s with problems (see the table and ${logs})`));
  // A rerun on a finished sweep measured no wall time: its RESULT line says so (wall_s=nan).
  if (!quick) process.stdout.write(`${resultLine(wasFinished ? null : seconds, facts, list)}\n`);
  return ok ? 0 : 1;
}

main().then(
  async (code) => {
    if (quick || args.exit || code !== 0) return shutdown(code);
    say('the dashboard and API keep running; Ctrl-C to stop');
  },
  async (error: Error) => {
    say(`failed: ${error.message}`);
    await shutdown(1);
  },
);
