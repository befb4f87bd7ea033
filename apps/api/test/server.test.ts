import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi(); });
afterAll(async () => { await t.close(); });

describe('server basics', () => {
  it('answers health and readiness', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
  });

  it('refuses anonymous and unknown-token requests with 401', async () => {
    const anonymous = await t.gql('{ viewer { role } }', {}, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bogus = await t.gql('{ viewer { role } }', {}, { token: 'stm_nope' });
    expect(bogus.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('knows each role', async () => {
    for (const role of ['admin', 'writer', 'reader', 'agent'] as const) {
      const data = await t.ok<{ viewer: { role: string } }>('{ viewer { role } }', {}, role);
      expect(data.viewer.role).toBe(role.toUpperCase());
    }
  });

  it('stops accepting a revoked token at once', async () => {
    const { id, token } = await t.api.services.tokens.create('READER', 'short-lived');
    expect((await t.gql('{ viewer { role } }', {}, { token })).data).toBeTruthy();
    await t.api.services.tokens.revoke(id);
    expect((await t.gql('{ viewer { role } }', {}, { token })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses over-deep queries and malformed or oversized bodies with clear errors', async () => {
    const deep = '{ viewer { ' + 'role '.repeat(1) + '} }';
    expect((await t.gql(deep)).errors).toBeUndefined();
    const nested = (depth: number): string => (depth === 0 ? 'name' : `ofType { ${nested(depth - 1)} }`);
    const tooDeep = await t.gql(`{ __schema { types { fields { type { ${nested(14)} } } } } }`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(tooDeep.errors?.[0]?.message).toMatch(/levels deep; the limit is 15/);
    // Each alias asks for 500 runs: the cost crosses the default limit of 20,000.
    const costly = await t.gql(`{ ${Array.from({ length: 300 }, (_, i) => `r${i}: runs(first: 500) { nodes { id } }`).join(' ')} }`);
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(costly.errors?.[0]?.message).toMatch(/exceeds the limit of 20000/);
    // Tools' standard introspection query stays within the default limit.
    const { getIntrospectionQuery } = await import('graphql');
    expect((await t.gql(getIntrospectionQuery())).errors).toBeUndefined();
    const post = () => t.http.post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${t.tokens.admin}`);
    const malformed = await post().send('{"query": ');
    expect(malformed.status).toBe(400);
    expect((malformed.body as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
    const huge = await post().send(JSON.stringify({ query: '{ viewer { role } }', variables: { x: 'a'.repeat(17 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
  });
});
