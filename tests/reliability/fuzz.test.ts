// Bad input, generated: every query and mutation of the live schema receives fast-check-generated
// and mutated variables (wrong types, huge strings and lists, NaN/Infinity, unicode, negative
// steps, unknown enum values, SQL-looking strings). Each answer must be a clear error or a correct
// result — never a 5xx, never an unmasked internal error — and a refused mutation must leave every
// table's contents unchanged (each table's rows hashed, not only counted). The agent protocol is
// fuzzed with a bound AGENT token that holds a job, its jobId and fencingToken often filled in,
// so the generated values reach validation instead of being refused at the fence. The server must
// stay up throughout.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType,
  isObjectType, isScalarType, type GraphQLField, type GraphQLInputType, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { seedRuns } from '../support/seed.js';

let t: StartedApi;
let schema: GraphQLSchema;
let counter: pg.Client;
/** A registered agent's own token, and the job it holds. */
let holder: { token: string; jobId: string; fencingToken: string; agentId: string };
const tally = { cases: 0, errors: 0, successes: 0, byField: {} as Record<string, number> };

const NASTY_STRINGS = [
  "'; DROP TABLE runs; --", "1 OR 1=1", '" OR ""="', '$$; SELECT pg_sleep(10); $$', '\u0000', '🧪🔬 ∑∫', 'a'.repeat(100_000),
  '../../etc/passwd', '<script>alert(1)</script>', '%s%n', '00000000-0000-0000-0000-000000000000', '-1', 'NaN', 'Infinity', '',
];

function scalarArbitrary(name: string): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(fc.constant({ nested: [1, 2] }), fc.constant([1, 'x']), fc.constant(true));
  switch (name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.constantFrom(-1, 0, 2 ** 31, -(2 ** 31) - 1, 1e15, 1.5), fc.constant('12'), wrongType);
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e308, 5e-324, 'NaN', 'Infinity', '-Infinity'), wrongType);
    case 'Boolean':
      return fc.oneof(fc.boolean(), fc.constant('true'), fc.constant(1));
    case 'JSON': case 'JSONObject':
      return fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) }));
    case 'DateTime':
      return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('yesterday', '2026-13-45T99:00:00Z', ''));
    case 'BigInt':
      return fc.oneof(fc.bigInt({ min: -10n, max: 10n ** 20n }).map(String), fc.constantFrom('abc', '-1', '1e5'));
    default: // String, ID and anything else
      return fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.uuid(), fc.constantFrom(...NASTY_STRINGS), wrongType);
  }
}

function inputArbitrary(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 12, arbitrary: inputArbitrary(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const valueOrNull = (arb: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) {
    const item = inputArbitrary(type.ofType, depth + 1);
    return valueOrNull(fc.oneof({ weight: 10, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: item.map((v) => Array.from({ length: 20_000 }, () => v)) }));
  }
  if (isEnumType(type)) return valueOrNull(fc.constantFrom(...type.getValues().map((v) => v.name), 'NOT_A_VALUE', 'drop table'));
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record = fc.record(Object.fromEntries(fields.map((f) => [f.name, inputArbitrary(f.type, depth + 1)])), { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
    return valueOrNull(fc.oneof({ weight: 10, arbitrary: record }, { weight: 1, arbitrary: record.map((r) => ({ ...(r as object), unknownField: 1 })) }));
  }
  if (isScalarType(type)) return valueOrNull(scalarArbitrary(type.name));
  return fc.constant(null);
}

function selection(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  if (!isObjectType(named)) return named && (isScalarType(named) || isEnumType(named)) ? '' : '{ __typename }';
  const scalars = Object.values(named.getFields())
    .filter((f) => f.args.length === 0 && (isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type))))
    .slice(0, 12)
    .map((f) => f.name);
  return `{ __typename ${scalars.join(' ')} }`;
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection(field)} }`;
}

/**
 * Every table's row count and a hash of its rows. Left out: bookkeeping a refused call may
 * rightly touch — an agent's last contact (any call it makes proves it alive) and a token's last use.
 */
const BOOKKEEPING: Record<string, string[]> = { agents: ['last_heartbeat_at', 'updated_at', 'status'], api_tokens: ['last_used_at'] };

async function tableContents(): Promise<Record<string, string>> {
  // Every base table's columns in one query (a pg.Client runs one query at a time).
  const { rows } = await counter.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`);
  const byTable = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of rows) {
    if ((BOOKKEEPING[table] ?? []).includes(column)) continue;
    if (!byTable.has(table)) byTable.set(table, []);
    byTable.get(table)!.push(column);
  }
  const parts = [...byTable].map(([table, columns]) => {
    const row = `ROW(${columns.map((c) => `"${c}"`).join(', ')})::text`;
    return `SELECT '${table}' AS t, count(*) || ':' || coalesce(md5(string_agg(${row}, '|' ORDER BY ${row})), '') AS h FROM "${table}"`;
  });
  return Object.fromEntries((await counter.query<{ t: string; h: string }>(parts.join(' UNION ALL '))).rows.map((r) => [r.t, r.h]));
}

/** Fills in the held job for the agent protocol's arguments in most cases, so fuzzed values reach validation. */
function withHeldJob(field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>, fill: boolean): Record<string, unknown> {
  if (!fill) return variables;
  const names = new Set(field.args.map((a) => a.name));
  const filled = { ...variables };
  if (names.has('jobId') && names.has('fencingToken')) Object.assign(filled, { jobId: holder.jobId, fencingToken: holder.fencingToken });
  if (names.has('agentId')) filled.agentId = holder.agentId;
  return filled;
}

beforeAll(async () => {
  t = await startApiForTest();
  const introspection = await t.gql(getIntrospectionQuery());
  schema = buildClientSchema(introspection.body.data as unknown as IntrospectionQuery);
  counter = new pg.Client({ connectionString: t.db.url });
  await counter.connect();
  await seedRuns(counter, 1, { prefix: 'fuzz', requirements: { labels: { lane: 'fuzz' } } });
  const { token } = await t.api.services.tokens.create('AGENT', 'fuzz agent');
  const registered = await t.gql('mutation { registerAgent(name: "fuzz-agent", host: "h", labels: { lane: "fuzz" }) { id } }', {}, token);
  const agentId = (registered.body.data as { registerAgent: { id: string } }).registerAgent.id;
  const claimed = await t.gql('mutation($a: ID!) { claimJob(agentId: $a) { jobId fencingToken } }', { a: agentId }, token);
  holder = { token, agentId, ...(claimed.body.data as { claimJob: { jobId: string; fencingToken: string } }).claimJob };
  // The lease outlives the run: heartbeats would be writes between the checks.
  await counter.query(`UPDATE jobs SET lease_expires_at = now() + interval '1 hour' WHERE id = $1`, [holder.jobId]);
});
afterAll(async () => {
  await counter?.end();
  await t?.close();
  fs.mkdirSync(path.join(import.meta.dirname, '..', 'test-artifacts'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, '..', 'test-artifacts', 'fuzz-report.json'), JSON.stringify(tally, null, 2));
});

async function check(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>, token: string): Promise<void> {
  const before = kind === 'mutation' ? await tableContents() : undefined;
  const { status, body } = await t.gql(operationFor(kind, field), variables, token);
  tally.cases++;
  tally.byField[field.name] = (tally.byField[field.name] ?? 0) + 1;
  expect(status, `${field.name} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
  for (const error of body.errors ?? []) {
    expect(typeof error.message).toBe('string');
    expect(error.extensions?.code, `${field.name}: ${error.message}`).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).not.toMatch(/\bat .*\.(js|ts):\d+|SELECT .* FROM|syntax error at or near/i);
  }
  const refused = Boolean(body.errors?.length) && (body.data?.[field.name] ?? null) === null;
  if (refused) tally.errors++;
  else tally.successes++;
  if (refused && before) expect(await tableContents(), `${field.name} was refused (${JSON.stringify(body.errors?.[0]?.message)}) but changed a table`).toEqual(before);
}

describe('bad input to every operation', () => {
  it('answers every generated case with a clear error or a result, never a 500 or a partial write', async () => {
    const roots: Array<['query' | 'mutation', Record<string, GraphQLField<unknown, unknown>>]> = [
      ['query', schema.getQueryType()?.getFields() ?? {}],
      ['mutation', schema.getMutationType()?.getFields() ?? {}],
    ];
    for (const [kind, fields] of roots) {
      for (const field of Object.values(fields)) {
        const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, inputArbitrary(a.type)])));
        const token = fc.constantFrom(t.tokens.admin, t.tokens.agent, t.tokens.reader, holder.token, holder.token);
        const fill = fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
        await fc.assert(fc.asyncProperty(variables, token, fill, (v, tok, f) => check(kind, field, withHeldJob(field, v as Record<string, unknown>, f), tok)), { numRuns: 5, seed: 20261126, endOnFailure: true });
      }
    }
    expect(tally.cases).toBeGreaterThan(20);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('refuses raw malformed bodies, non-finite numbers and absurd nesting without falling over', async () => {
    const raw = async (body: string) => (await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.tokens.admin}` }, body })).status;
    expect(await raw('{"query": "{ viewer { role } }", "variables": {"x": 1e999}}')).toBeLessThan(500);
    expect(await raw('{"query": ' + '['.repeat(5000))).toBe(400);
    expect(await raw(JSON.stringify({ query: '{ ' + 'viewer { '.repeat(300) + 'role' + ' }'.repeat(301) }))).toBeLessThan(500);
    expect(await raw(JSON.stringify({ query: 'mutation { ' + Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ') + ' }' }))).toBeLessThan(500);
    tally.cases += 4;
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
