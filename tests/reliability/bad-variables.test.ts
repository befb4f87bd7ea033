// Wrong variable types, deterministically, for every argument of every query and mutation: the
// answer is a 400 BAD_USER_INPUT naming the variable — never a 500 (a regression seen when the
// cost plugin coerced variables before execution did) — and nothing runs.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType,
  isScalarType, type GraphQLInputType, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { minimalValue } from '../support/schema.js';

let t: StartedApi;
let schema: GraphQLSchema;

beforeAll(async () => {
  t = await startApiForTest();
  schema = buildClientSchema((await t.gql(getIntrospectionQuery())).body.data as unknown as IntrospectionQuery);
});
afterAll(async () => {
  await t?.close();
});

/** A JSON value that the type can never accept (null is left to the nullability tests). */
function wrongValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return wrongValue(type.ofType);
  if (isListType(type)) return [wrongValue(type.ofType)];
  if (isEnumType(type)) return 'NOT_A_VALUE';
  if (isInputObjectType(type)) return 'not an object';
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int': return 'twelve';
      case 'Float': return 'NaN';
      case 'Boolean': return 'yes';
      case 'ID': return { id: 1 };
      case 'String': return ['a'];
      case 'DateTime': return 'yesterday';
      case 'BigInt': return 'abc';
      default: return undefined; // JSON accepts anything
    }
  }
  return undefined;
}

describe('wrong variable types', () => {
  it('every argument of every query and mutation: 400 BAD_USER_INPUT naming the variable, no row written', async () => {
    const client = new pg.Client({ connectionString: t.db.url });
    await client.connect();
    const rows = async () => {
      const tables = (await client.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")).rows;
      return (await client.query(tables.map((r) => `SELECT '${r.t}' AS t, count(*)::int AS n FROM "${r.t}"`).join(' UNION ALL '))).rows;
    };
    const problems: string[] = [];
    let cases = 0;
    try {
      const writesBefore = await rows();
      for (const [kind, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
        for (const field of Object.values(root?.getFields() ?? {})) {
          for (const arg of field.args) {
            const wrong = wrongValue(arg.type);
            if (wrong === undefined) continue;
            // The argument under test, and every other required one with a valid value, so the
            // wrong one is the only fault.
            const used = field.args.filter((a) => a === arg || (isNonNullType(a.type) && a.defaultValue === undefined));
            const defs = used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
            const call = used.map((a) => `${a.name}: $${a.name}`).join(', ');
            const selection = isObjectType(getNamedType(field.type)) ? '{ __typename }' : '';
            const others = Object.fromEntries(used.filter((a) => a !== arg).map((a) => [a.name, minimalValue(a.type)]));
            const { status, body } = await t.gql(`${kind}(${defs}) { ${field.name}(${call}) ${selection} }`, { ...others, [arg.name]: wrong }, t.tokens.admin);
            cases++;
            const error = body.errors?.[0];
            if (status !== 400 || error?.extensions?.code !== 'BAD_USER_INPUT' || !error.message.includes(`"$${arg.name}"`) || body.data) {
              problems.push(`${field.name}(${arg.name}: ${JSON.stringify(wrong)}): HTTP ${status} ${JSON.stringify(body).slice(0, 200)}`);
            }
          }
        }
      }
      expect(await rows(), 'rows were written').toEqual(writesBefore);
    } finally {
      await client.end();
    }
    expect(problems).toEqual([]);
    expect(cases).toBeGreaterThan(50);
    const dir = path.join(import.meta.dirname, '..', 'test-artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'bad-variables-report.json'), JSON.stringify({ cases, refusedAs400: cases - problems.length }, null, 2) + '\n');
  });
});
