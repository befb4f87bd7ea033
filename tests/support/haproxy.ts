// HAProxy (Debian's package) in front of API replicas, as a deployment would run it: round robin,
// health checks on /readyz, WebSocket upgrades passed through (timeout tunnel), and a request whose
// connection to a replica could not even be opened is redispatched to another one (that request
// never reached a server, so it is safe to resend). Anything else a dying replica cut off reaches
// the client, whose retries (the agent's, graphql-ws reconnects) are what the scale tests measure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@stratum/db';

export const HAPROXY = process.env.STRATUM_HAPROXY ?? 'haproxy';

export function haproxyUnavailable(): string | null {
  return spawnSync(HAPROXY, ['-v']).status === 0 ? null : `${HAPROXY} is not installed (Debian: apt-get install haproxy)`;
}

export interface Balancer {
  url: string;
  /** Each backend server's state as HAProxy sees it (UP, DOWN, …), by its port. */
  states(): Promise<Map<number, string>>;
  /** Waits until HAProxy sees the server on `port` in `state`. */
  waitFor(port: number, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

export async function startBalancer(backendPorts: number[]): Promise<Balancer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-haproxy-'));
  const port = await freePort();
  const statsPort = await freePort();
  const config = [
    'global',
    '  maxconn 4096',
    '  tune.bufsize 65536',
    'defaults',
    '  mode http',
    '  option redispatch',
    '  retries 3',
    '  retry-on conn-failure',
    '  timeout connect 2s',
    // A loaded replica answers /readyz slowly, not never: give checks time before marking it down.
    '  timeout check 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout tunnel 1h',
    '  timeout http-keep-alive 10s',
    'frontend stratum',
    `  bind 127.0.0.1:${port}`,
    '  default_backend api',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    'backend api',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server inter 1s fastinter 250ms downinter 500ms fall 3 rise 2',
    ...backendPorts.map((p) => `  server api-${p} 127.0.0.1:${p} check`),
    '',
  ].join('\n');
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, config);
  const check = spawnSync(HAPROXY, ['-c', '-q', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy refused its configuration: ${check.stderr}${check.stdout}`);
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-50_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const states = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    const lines = csv.split('\n');
    const header = lines[0]!.replace(/^# /, '').split(',');
    const [px, sv, st] = ['pxname', 'svname', 'status'].map((name) => header.indexOf(name)) as [number, number, number];
    const result = new Map<number, string>();
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const match = /^api-(\d+)$/.exec(cells[sv] ?? '');
      if (cells[px] === 'api' && match) result.set(Number(match[1]), (cells[st] ?? '').split(' ')[0]!);
    }
    return result;
  };
  const balancer: Balancer = {
    url: `http://127.0.0.1:${port}`,
    states,
    waitFor: async (backend, state, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await states().catch(() => new Map<number, string>());
        if (now.get(backend) === state) return;
        if (Date.now() > deadline) throw new Error(`haproxy did not see api-${backend} ${state} within ${timeoutMs} ms (states: ${JSON.stringify([...now])})\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  // Up when every backend passed its health checks.
  for (const backend of backendPorts) await balancer.waitFor(backend, 'UP');
  return balancer;
}
