import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, graphqlEndpoint, hasCode, open, postGraphQL, send, StratumError, withRetry } from '../src/index.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failure = (code: string, status?: number) => new StratumError(code, code.toLowerCase(), status === undefined ? {} : { status });

describe('withRetry', () => {
  it('retries what the policy allows, with full-jitter backoff, and reports each retry', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw failure('NETWORK_ERROR');
      return 'ok';
    }, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1, sleep: async (ms) => { waits.push(ms); }, onRetry: ({ attempt }) => waits.push(-attempt) });
    expect(result).toBe('ok');
    expect(waits).toEqual([-1, 100, -2, 200]);
  });

  it('stops at once on a failure the policy refuses, and on anything not a StratumError', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw failure('BAD_USER_INPUT'); }, { sleep: async () => undefined })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(calls).toBe(1);
    await expect(withRetry(async () => { calls++; throw new TypeError('a bug'); }, { sleep: async () => undefined })).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(2);
    const custom = await withRetry(async () => { calls++; if (calls < 4) throw failure('INTERNAL_SERVER_ERROR'); return calls; }, { shouldRetry: (e) => e.code === 'INTERNAL_SERVER_ERROR', sleep: async () => undefined });
    expect(custom).toBe(4);
  });

  it('gives up after its retries with the last failure', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw failure('HTTP_ERROR', 503); }, { retries: 2, sleep: async () => undefined })).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 503 });
    expect(calls).toBe(3);
  });

  it('ends a wait early and fails ABORTED when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    await expect(withRetry(async () => { throw failure('NETWORK_ERROR'); }, { retries: Infinity, baseDelayMs: 10_000, maxDelayMs: 10_000, random: () => 1, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('backoff doubles its ceiling per attempt, capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(2, policy, () => 0.25)).toBe(100);
  });
});

describe('requests', () => {
  it('sends the bearer token and maps refused connections, timeouts and cancellation onto codes', async () => {
    let auth: string | undefined;
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      if (req.url === '/slow') return; // never answers
      res.end('hello');
    });
    const { response, text } = await send(`${url}/fast`, { method: 'GET' }, { token: 'stm_t', timeoutMs: 5_000 });
    expect([response.status, text, auth]).toEqual([200, 'hello', 'Bearer stm_t']);
    await expect(send(`${url}/slow`, { method: 'GET' }, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT', message: `no answer from ${url}/slow within 50 ms` });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(open(`${url}/slow`, { method: 'GET' }, { timeoutMs: 5_000, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const nobody = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await send(`${nobody}/x`, { method: 'GET' }, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(hasCode(refused, 'NETWORK_ERROR')).toBe(true);
    expect((refused as Error).message).toBe(`cannot reach the Stratum API at ${nobody}/x (ECONNREFUSED)`);
    expect((refused as StratumError).transient).toBe(true);
  });

  it('reads GraphQL data, GraphQL errors with their code, path and extensions, and non-GraphQL answers', async () => {
    const bodies: unknown[] = [];
    const replies = [
      { status: 200, body: JSON.stringify({ data: { viewer: { role: 'READER' } } }) },
      { status: 200, body: JSON.stringify({ data: null, errors: [{ message: 'lease lost', path: ['heartbeat'], extensions: { code: 'LEASE_LOST', jobId: 'j' } }] }) },
      { status: 502, body: '<html>bad gateway</html>' },
    ];
    const url = await serve((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        const reply = replies[bodies.length - 1]!;
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      });
    });
    const endpoint = graphqlEndpoint(url);
    const query = 'query Viewer { viewer { role } }';
    expect(await postGraphQL(endpoint, { query, variables: { a: 1 }, operationName: 'Viewer' }, { timeoutMs: 5_000 })).toEqual({ viewer: { role: 'READER' } });
    expect(bodies[0]).toEqual({ query, variables: { a: 1 }, operationName: 'Viewer' });
    await expect(postGraphQL(endpoint, { query }, { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'LEASE_LOST', message: 'lease lost', path: ['heartbeat'], extensions: { jobId: 'j' }, status: 200 });
    const bad = (await postGraphQL(endpoint, { query }, { timeoutMs: 5_000 }).catch((e: unknown) => e)) as StratumError;
    expect(bad).toMatchObject({ code: 'HTTP_ERROR', status: 502, transient: true });
    expect(bad.message).toBe(`unexpected answer from ${endpoint}: HTTP 502 — <html>bad gateway</html>`);
  });

  it('names endpoints', () => {
    expect(graphqlEndpoint('http://h:4000/')).toBe('http://h:4000/graphql');
  });
});
