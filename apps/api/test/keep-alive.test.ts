// Idle keep-alive connections: the API keeps them open for HTTP_KEEP_ALIVE_TIMEOUT_MS (default
// 65 s, above a load balancer's idle timeout), so a balancer reusing one never has it closed
// under a request it is sending. Seen before: HAProxy sent an agent's artifact PUT down a
// connection the API (Node's 5 s default) was closing, and the upload was cut mid-body.
import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { startTestApi, type TestApi } from './harness.js';
import { claim, registerTestAgent, seedJobs, uploadArtifact } from './agent-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000' }); });
afterAll(async () => { await t.close(); });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One socket: sends GET /healthz on it whenever asked, and reports whether the server closed it. */
async function connection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
  socket.on('close', () => { closed = true; });
  return {
    get closed() { return closed; },
    /** Sends `head` and `body`, waits until the answer contains `until` (or 5 s), and returns its status line. */
    async send(head: string, body: Buffer | null, until: string): Promise<string> {
      received = '';
      socket.write(head);
      if (body) socket.write(body);
      for (let waited = 0; !received.includes(until) && !closed && waited < 5_000; waited += 10) await sleep(10);
      return received.split('\r\n')[0] ?? '';
    },
    health(): Promise<string> {
      return this.send(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`, null, '{"status":"ok"}');
    },
    destroy: () => socket.destroy(),
  };
}

describe('keep-alive', () => {
  it('defaults to 65 s, above a 60 s load-balancer idle timeout, and refuses a bad value by name', () => {
    expect(loadConfig({}).HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(/HTTP_KEEP_ALIVE_TIMEOUT_MS/);
  });

  it('keeps an idle connection open for HTTP_KEEP_ALIVE_TIMEOUT_MS, then closes it', async () => {
    const c = await connection(t.url);
    try {
      expect(await c.health()).toBe('HTTP/1.1 200 OK');
      await sleep(1_000);
      expect(c.closed).toBe(false);
      expect(await c.health()).toBe('HTTP/1.1 200 OK');
      // Closed about 2 s later: well before Node's own default of 5 s.
      const idle = performance.now();
      while (!c.closed && performance.now() - idle < 4_000) await sleep(20);
      expect(c.closed).toBe(true);
      expect(performance.now() - idle).toBeGreaterThan(1_500);
    } finally {
      c.destroy();
    }
  });

  it('reads and drops the rest of an upload it answered early, so the connection carries the next request', async () => {
    // An agent's checkpoint already stored: the API answers 200 from the store's HEAD without
    // needing the body. Seen in the S3 scale test: the body's rest was left unread, the connection
    // (a balancer's, reused for other requests) stalled, and an agent's next PUT was cut.
    const agent = await registerTestAgent(t);
    await seedJobs(t);
    const held = (await claim(t, agent))!;
    const bytes = crypto.randomBytes(16 * 1024 ** 2);
    const first = await uploadArtifact(t, agent.token, bytes, held);
    expect(first.status).toBe(201);
    const c = await connection(t.url);
    try {
      const { host } = new URL(t.url);
      const head = [
        `PUT /artifacts/${first.sha256} HTTP/1.1`, `Host: ${host}`, `Authorization: Bearer ${agent.token}`,
        'Content-Type: application/octet-stream', `Content-Length: ${bytes.length}`,
        `X-Stratum-Job: ${held.jobId}`, `X-Stratum-Fencing-Token: ${held.fencingToken}`, '', '',
      ].join('\r\n');
      expect(await c.send(head, bytes, '"created":false')).toBe('HTTP/1.1 200 OK');
      expect(await c.health()).toBe('HTTP/1.1 200 OK');
      expect(c.closed).toBe(false);
    } finally {
      c.destroy();
    }
  });
});
