// Every rule HTTP applies to an operation, proven on graphql-ws too: the same request sent over
// both transports must be answered with the same error code (and, where the server words it, the
// same message): syntax and validation errors, the depth and complexity limits, argument
// validation, variable coercion, error masking of an unexpected failure, and the size bound (HTTP
// body limit → 413, ws frame limit → close 1009; just under it both answer).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { subscribe, type Outcome } from '../support/ws.js';

const LIMIT_BYTES = 64 * 1024;

let t: StartedApi;
let pool: pg.Pool;

beforeAll(async () => {
  t = await startApiForTest({
    LOG_LEVEL: 'warn', QUERY_DEPTH_LIMIT: '6', QUERY_COMPLEXITY_LIMIT: '500',
    BODY_LIMIT: String(LIMIT_BYTES), WS_MAX_PAYLOAD_BYTES: String(LIMIT_BYTES),
  });
  pool = new pg.Pool({ connectionString: t.db.url, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await t?.close();
});

type GqlError = { message: string; extensions?: Record<string, unknown> };

interface Answer { errors: GqlError[]; data: unknown; closed?: number }

async function overHttp(query: string, variables: Record<string, unknown> = {}): Promise<Answer & { status: number }> {
  const { status, body } = await t.gql(query, variables, t.tokens.writer);
  return { status, errors: (body.errors ?? []) as GqlError[], data: body.data };
}

async function overWs(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const operation = subscribe(t.url, t.tokens.writer, query, variables);
  try {
    const first: Outcome | null = await operation.next(15_000);
    if (!first) throw new Error(`no answer over ws to ${query.slice(0, 80)}`);
    if (first.kind === 'closed') return { errors: [], data: undefined, closed: first.code };
    if (first.kind === 'complete') return { errors: [], data: undefined };
    return { errors: [...(first.errors ?? [])] as GqlError[], data: first.kind === 'next' ? first.data : undefined };
  } finally {
    await operation.close();
  }
}

const codes = (answer: Answer) => answer.errors.map((e) => e.extensions?.code);

/** Each rule: a request that breaks it, the code both transports must answer, and how the wording must match (ws prefixes a syntax error). */
const RULES: Array<{ rule: string; query: string; variables?: Record<string, unknown>; code: string; sameMessage: boolean }> = [
  { rule: 'syntax', query: '{ viewer { role ', code: 'GRAPHQL_PARSE_FAILED', sameMessage: false },
  { rule: 'schema validation', query: '{ viewer { role noSuchField } }', code: 'GRAPHQL_VALIDATION_FAILED', sameMessage: true },
  { rule: 'depth limit', query: '{ projects { sweeps { runs { sweep { project { sweeps { runs { id } } } } } } } }', code: 'QUERY_TOO_DEEP', sameMessage: true },
  { rule: 'complexity limit', query: '{ a: runs(first: 500) { nodes { id name status } } b: runs(first: 500) { nodes { id name status } } c: runs(first: 500) { nodes { id name status } } }', code: 'QUERY_TOO_COMPLEX', sameMessage: true },
  { rule: 'variable coercion', query: 'query($n: Int) { runs(first: $n) { totalCount } }', variables: { n: 'many' }, code: 'BAD_USER_INPUT', sameMessage: true },
  { rule: 'argument validation (page size)', query: '{ runs(first: 0) { totalCount } }', code: 'BAD_USER_INPUT', sameMessage: true },
  { rule: 'a refused role', query: 'mutation { claimJob(agentId: "00000000-0000-4000-8000-000000000000") { jobId } }', code: 'FORBIDDEN', sameMessage: true },
];

describe('the same rules on HTTP and graphql-ws', () => {
  for (const { rule, query, variables, code, sameMessage } of RULES) {
    it(`${rule}: ${code} on both transports`, async () => {
      const http = await overHttp(query, variables);
      const ws = await overWs(query, variables);
      expect(codes(http), JSON.stringify(http.errors)).toEqual([code]);
      expect(codes(ws), JSON.stringify(ws.errors)).toEqual([code]);
      if (sameMessage) expect(ws.errors[0]!.message).toBe(http.errors[0]!.message);
      else expect(ws.errors[0]!.message).toContain(http.errors[0]!.message);
      for (const answer of [http, ws]) expect(JSON.stringify(answer.errors), 'no stack traces').not.toMatch(/stacktrace|\s+at\s+\S+\s+\(/);
    });
  }

  it('masks an unexpected failure the same way: no SQL, no table, no injected message', async () => {
    // Fault injection: PostgreSQL refuses this project's insert.
    await pool.query(`CREATE FUNCTION refuse_project() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name LIKE 'explode-%' THEN RAISE EXCEPTION 'injected failure in projects'; END IF; RETURN NEW; END $$`);
    await pool.query('CREATE TRIGGER refuse_project BEFORE INSERT ON projects FOR EACH ROW EXECUTE FUNCTION refuse_project()');
    try {
      const http = await overHttp('mutation { createProject(name: "explode-http") { id } }');
      const ws = await overWs('mutation { createProject(name: "explode-ws") { id } }');
      for (const answer of [http, ws]) {
        expect(codes(answer)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(JSON.stringify(answer.errors)).not.toMatch(/injected|projects|INSERT|trigger|stacktrace/i);
      }
      expect(ws.errors[0]!.message).toBe(http.errors[0]!.message);
      expect((await pool.query("SELECT count(*)::int AS n FROM projects WHERE name LIKE 'explode-%'")).rows[0].n).toBe(0);
    } finally {
      await pool.query('DROP TRIGGER refuse_project ON projects; DROP FUNCTION refuse_project()');
    }
  });

  it('bounds the request size on both: just under the limit is answered, over it HTTP says 413 and ws closes 1009', async () => {
    const padded = (bytes: number) => `{ viewer { role } } # ${'x'.repeat(bytes)}`;
    const under = LIMIT_BYTES - 1024;
    expect((await overHttp(padded(under))).data).toEqual({ viewer: { role: 'WRITER' } });
    expect((await overWs(padded(under))).data).toEqual({ viewer: { role: 'WRITER' } });
    const over = await overHttp(padded(LIMIT_BYTES));
    expect(over.status).toBe(413);
    expect(codes(over)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect((await overWs(padded(LIMIT_BYTES))).closed).toBe(1009);
  });
});
