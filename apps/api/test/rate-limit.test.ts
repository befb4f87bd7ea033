// Issue 18 item 7 (second half): per-token rate limits, in memory per replica. Past its requests per window a
// token gets 429 with Retry-After (HTTP) or RATE_LIMITED (each WebSocket operation); other
// tokens are unaffected; agents have their own, higher rate.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from './harness.js';

const PEOPLE = 5;
const AGENTS = 40;
const WINDOW = 10; // long enough that a burst lands in one window on a loaded machine
let t: TestApi;
beforeAll(async () => { t = await startTestApi({ RATE_LIMIT_REQUESTS: String(PEOPLE), RATE_LIMIT_AGENT_REQUESTS: String(AGENTS), RATE_LIMIT_WINDOW_SECONDS: String(WINDOW) }); });
afterAll(async () => { await t.close(); });

const post = async (token: string) => t.http.post('/graphql').set('authorization', `Bearer ${token}`).send({ query: '{ viewer { role } }' });

it('answers 429 with Retry-After past a token\'s rate, leaving other tokens alone, and admits it again after the wait', async () => {
  const statuses = await Promise.all(Array.from({ length: PEOPLE + 3 }, () => post(t.tokens.reader)));
  expect(statuses.filter((r) => r.status === 200)).toHaveLength(PEOPLE);
  const refused = statuses.find((r) => r.status === 429)!;
  const retryAfter = Number(refused.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW);
  expect(refused.body).toEqual({ errors: [{
    message: `rate limit: this READER token may make ${PEOPLE} requests per ${WINDOW} s (RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS); retry after ${retryAfter} s`,
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
  }] });
  // Another token (the writer) is counted on its own.
  expect((await post(t.tokens.writer)).status).toBe(200);
  // An agent token has the agents' limit: well past the people's in the same window.
  const agentStatuses = await Promise.all(Array.from({ length: AGENTS }, () => post(t.tokens.agent)));
  expect(agentStatuses.map((r) => r.status)).toEqual(Array.from({ length: AGENTS }, () => 200));
  expect((await post(t.tokens.agent)).status).toBe(429);

  await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  expect((await post(t.tokens.reader)).status).toBe(200);
});

it('counts each WebSocket operation against the token, refusing the excess with RATE_LIMITED', async () => {
  const client = createClient({
    url: t.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${t.tokens.admin}` }, // a token not used yet
  });
  const once = async () => {
    try {
      const iterator = client.iterate({ query: '{ viewer { role } }' });
      const first = await iterator.next();
      await iterator.return?.();
      return first.value as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };
    } catch (errors) {
      return { errors: errors as Array<{ extensions?: Record<string, unknown> }> };
    }
  };
  try {
    const results = [];
    for (let i = 0; i < PEOPLE + 2; i++) results.push(await once());
    expect(results.slice(0, PEOPLE).map((r) => r.data)).toEqual(Array.from({ length: PEOPLE }, () => ({ viewer: { role: 'ADMIN' } })));
    expect(results.slice(PEOPLE).map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  } finally {
    await client.dispose();
  }
});
