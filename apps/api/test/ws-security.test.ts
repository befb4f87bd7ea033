// The WebSocket endpoint as an attacker sees it: local-dev refuses foreign Origin/Host (cross-site
// WebSocket hijacking, DNS rebinding), ws operations get the HTTP validation rules and error
// masking, frames are bounded and a socket that never sends connection_init is closed.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from './harness.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ STRATUM_LOCAL_DEV: 'true', WS_INIT_TIMEOUT_MS: '1000', QUERY_DEPTH_LIMIT: '6', QUERY_COMPLEXITY_LIMIT: '500', WS_MAX_CONNECTIONS_PER_TOKEN: '2' }); });
afterAll(async () => { await t.close(); });

const wsUrl = () => t.url.replace(/^http/, 'ws') + '/graphql';
const port = () => new URL(t.url).port;

/** Opens a raw socket; resolves with 'open' or the HTTP status of the refused upgrade. */
function openRaw(headers: Record<string, string>): Promise<{ open: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
    socket.once('open', () => resolve({ open: socket }));
    socket.once('unexpected-response', (_req, res) => { resolve({ status: res.statusCode ?? 0 }); res.resume(); });
    socket.once('error', () => undefined);
  });
}

function closeOf(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

/** POST /graphql with a forged Host header (fetch cannot set Host). */
function postWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.url}/graphql`, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.once('error', reject);
    req.end(JSON.stringify({ query: '{ __typename }' }));
  });
}

async function overWs(query: string) {
  const client = createClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  try {
    const iterator = client.iterate({ query });
    const first = await iterator.next();
    await iterator.return?.();
    return first.value as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  } catch (errors) {
    return { errors: errors as Array<{ message: string; extensions?: Record<string, unknown> }> };
  } finally {
    await client.dispose();
  }
}

describe('local-dev Origin and Host checks', () => {
  it('refuses a cross-origin WebSocket and accepts loopback or no Origin', async () => {
    expect(await openRaw({ origin: 'https://evil.example' })).toEqual({ status: 403 });
    for (const origin of [undefined, `http://127.0.0.1:${port()}`, `http://localhost:3000`]) {
      const result = await openRaw(origin ? { origin } : {});
      expect('open' in result, String(origin)).toBe(true);
      if ('open' in result) result.open.close();
    }
  });

  it('refuses a rebinding Host on HTTP and ws, accepts loopback Hosts', async () => {
    expect(await postWithHost(`evil.example:${port()}`)).toBe(403);
    expect(await openRaw({ host: `evil.example:${port()}` })).toEqual({ status: 403 });
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`]) expect(await postWithHost(host), host).toBe(200);
  });
});

describe('ws operations get the HTTP validation', () => {
  const deep = '{ projects { sweeps { runs { sweep { project { sweeps { runs { id } } } } } } } }';
  it('applies the depth limit on both transports', async () => {
    const http = (await t.gql(deep)).errors?.[0];
    expect(http?.message).toMatch(/levels deep; the limit is 6/);
    const ws = (await overWs(deep)).errors?.[0];
    expect({ message: ws?.message, code: ws?.extensions?.code }).toEqual({ message: http?.message, code: http?.extensions?.code });
  });
  it('applies the complexity limit on both transports', async () => {
    const costly = '{ a: runs(first: 500) { nodes { id name status } } b: runs(first: 500) { nodes { id name status } } c: runs(first: 500) { nodes { id name status } } }';
    expect((await t.gql(costly)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await overWs(costly)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('ws resource bounds', () => {
  it('closes a socket that sends a 20 MB frame without parsing it', async () => {
    // Built before the socket opens: the frame must reach the server well within the init timeout.
    const frame = Buffer.alloc(20 * 1024 * 1024, 'x');
    const result = await openRaw({});
    if (!('open' in result)) throw new Error('not opened');
    const closed = closeOf(result.open);
    result.open.send(frame, { binary: false });
    expect(await closed).toBe(1009);
  });
  it('refuses a token connection over the per-token limit at connection_init', async () => {
    const init = async () => {
      const result = await openRaw({});
      if (!('open' in result)) throw new Error('not opened');
      const socket = result.open;
      const answer = new Promise<string | number>((resolve) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data)).type as string));
        socket.once('close', (code) => resolve(code));
      });
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${t.tokens.reader}` } }));
      return { socket, answer: await answer };
    };
    const first = await init();
    const second = await init();
    const third = await init();
    expect([first.answer, second.answer, third.answer]).toEqual(['connection_ack', 'connection_ack', 4403]);
    const closed = closeOf(first.socket);
    first.socket.close();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await init();
    expect(again.answer).toBe('connection_ack');
    for (const s of [second.socket, again.socket]) s.close();
  });
  it('closes a socket that never sends connection_init', async () => {
    const result = await openRaw({});
    if (!('open' in result)) throw new Error('not opened');
    const started = Date.now();
    expect(await closeOf(result.open)).toBe(4408);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('unpaginated lists in the cost estimate', () => {
  it('counts Project.sweeps, Sweep.runs and Run.evaluations at a realistic size, on both transports', async () => {
    // Cost 1 per list before: this walked every project, sweep, run and evaluation.
    const whole = '{ projects(first: 5) { sweeps { runs { evaluations { kind } } } } }';
    const http = (await t.gql(whole)).errors?.[0];
    expect(http?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await overWs(whole)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    // One project's sweep ids stay cheap.
    expect((await t.gql('{ projects(first: 5) { sweeps { id } } }')).errors).toBeUndefined();
  });
});
