import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterEach, describe, expect, it } from 'vitest';
import { StratumError } from '../src/sdk/errors.js';
import { backoffDelay, graphqlEndpoint, Transport } from '../src/sdk/transport.js';

type Reply = { status: number; body: string } | 'drop';
let server: http.Server | undefined;
afterEach(async () => { await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())); server = undefined; });

/** A real HTTP server answering from a script of replies, recording what it received. */
async function scripted(replies: Reply[]): Promise<{ url: string; received: Array<{ body: Record<string, unknown>; auth: string | undefined }> }> {
  const received: Array<{ body: Record<string, unknown>; auth: string | undefined }> = [];
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    req.on('end', () => {
      received.push({ body: JSON.parse(text) as Record<string, unknown>, auth: req.headers.authorization });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)] ?? 'drop';
      if (reply === 'drop') { req.socket.destroy(); return; }
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const query = parse('query Viewer { viewer { role } }') as TypedDocumentNode<{ viewer: { role: string } }, Record<string, never>>;
const mutation = parse('mutation Create($name: String!) { createSweep(input: { name: $name }) { id } }') as TypedDocumentNode<{ createSweep: { id: string } }, { name: string }>;
const other = parse('mutation Cancel { cancelRun(id: "x") { id } }') as TypedDocumentNode<unknown, Record<string, never>>;
const ok = (data: unknown) => ({ status: 200, body: JSON.stringify({ data }) });
const noSleep = { sleep: async () => undefined };

describe('Transport', () => {
  it('posts the printed query with the bearer token to /graphql', async () => {
    const s = await scripted([ok({ viewer: { role: 'READER' } })]);
    const transport = new Transport({ url: s.url + '/', token: 'stm_x' });
    expect(transport.endpoint).toBe(`${s.url}/graphql`);
    expect(await transport.request(query, {})).toEqual({ viewer: { role: 'READER' } });
    expect(s.received[0]?.auth).toBe('Bearer stm_x');
    expect(s.received[0]?.body.operationName).toBe('Viewer');
    expect(String(s.received[0]?.body.query)).toContain('viewer');
  });

  it('retries a query after dropped connections and 503s, then succeeds', async () => {
    const s = await scripted(['drop', { status: 503, body: 'busy' }, ok({ viewer: { role: 'ADMIN' } })]);
    const retries: number[] = [];
    const transport = new Transport({ url: s.url, ...noSleep, onRetry: ({ attempt }) => retries.push(attempt) });
    expect(await transport.request(query, {})).toEqual({ viewer: { role: 'ADMIN' } });
    expect(s.received).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the configured retries with NETWORK_ERROR', async () => {
    const s = await scripted(['drop']);
    const transport = new Transport({ url: s.url, retry: { retries: 2 }, ...noSleep });
    await expect(transport.request(query, {})).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(s.received).toHaveLength(3);
  });

  it('never retries a mutation unless it is declared idempotent', async () => {
    const s = await scripted(['drop', ok({ createSweep: { id: 's1' } })]);
    const plain = new Transport({ url: s.url, ...noSleep });
    await expect(plain.request(mutation, { name: 'a' })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(s.received).toHaveLength(1);
    const declared = new Transport({ url: s.url, idempotentMutations: ['createSweep'], ...noSleep });
    expect(declared.isIdempotent(mutation)).toBe(true);
    expect(declared.isIdempotent(other)).toBe(false);
    expect(await declared.request(mutation, { name: 'a' })).toEqual({ createSweep: { id: 's1' } });
  });

  it('does not retry API errors and keeps their code, message, path and extensions', async () => {
    const body = JSON.stringify({ errors: [{ message: 'blocks: K=5 does not divide depth 12', path: ['createSweep'], extensions: { code: 'BAD_USER_INPUT', field: 'blocks' } }, { message: 'second', extensions: { code: 'BAD_USER_INPUT' } }], data: null });
    const s = await scripted([{ status: 200, body }]);
    const transport = new Transport({ url: s.url, ...noSleep });
    const error = await transport.request(query, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StratumError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', path: ['createSweep'], extensions: { field: 'blocks' }, status: 200 });
    expect((error as Error).message).toBe('blocks: K=5 does not divide depth 12 (and 1 more: second)');
    expect((error as StratumError).errors).toHaveLength(2);
    expect(s.received).toHaveLength(1);
  });

  it('reports 401s as UNAUTHENTICATED and non-GraphQL answers as HTTP_ERROR', async () => {
    const s = await scripted([{ status: 401, body: JSON.stringify({ errors: [{ message: 'the API token is unknown or revoked', extensions: { code: 'UNAUTHENTICATED' } }] }) }, { status: 404, body: '<html>nope</html>' }]);
    const transport = new Transport({ url: s.url, ...noSleep });
    await expect(transport.request(query, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await expect(transport.request(query, {})).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 404 });
  });

  it('times out a hanging server and retries the timeout', async () => {
    server = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let retried = 0;
    const transport = new Transport({ url, timeoutMs: 50, retry: { retries: 1 }, ...noSleep, onRetry: () => { retried++; } });
    await expect(transport.request(query, {})).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(retried).toBe(1);
    server.closeAllConnections();
  });
});

describe('helpers', () => {
  it('backoff doubles its ceiling per attempt, capped, scaled by jitter', () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('finds the endpoint from a base URL or the endpoint itself', () => {
    expect(graphqlEndpoint('http://h:4000')).toBe('http://h:4000/graphql');
    expect(graphqlEndpoint('http://h:4000/graphql/')).toBe('http://h:4000/graphql');
    expect(graphqlEndpoint('https://h/stratum')).toBe('https://h/stratum/graphql');
  });
});
