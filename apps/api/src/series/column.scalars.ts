// Numeric columns as scalars: a series column goes into the response as the array it is, so
// graphql-js completes one value per column instead of one per point (a [Float!] list completes,
// checks and wraps every element, which for a raw series costs more than reading it from the
// database). On the wire a column is a plain JSON array of numbers.
import { createRequire } from 'node:module';
import type { GraphQLScalarType as ScalarType, ValueNode } from 'graphql';

// graphql as Node's require resolves it: the copy type-graphql builds the schema with (a test
// runner that inlines this file would otherwise hand it a second copy, and the scalar would not
// be recognised as one).
const { GraphQLError, GraphQLScalarType, Kind } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

function column(name: string, description: string, accepts: (v: unknown) => boolean, what: string): ScalarType<number[], number[]> {
  const check = (value: unknown): number[] => {
    if (!Array.isArray(value)) throw new GraphQLError(`${name} must be an array of ${what}, got ${typeof value}`);
    for (let i = 0; i < value.length; i++) {
      if (!accepts(value[i])) throw new GraphQLError(`${name} must hold ${what}; element ${i} is ${String(value[i])}`);
    }
    return value as number[];
  };
  return new GraphQLScalarType<number[], number[]>({
    name,
    description,
    // Output: the resolvers build these arrays; checked (one pass, no copy) and sent as they are.
    serialize: check,
    parseValue: check,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.LIST) throw new GraphQLError(`${name} must be a list literal`);
      return check(ast.values.map((v) => (v.kind === Kind.INT || v.kind === Kind.FLOAT ? Number(v.value) : Number.NaN)));
    },
  });
}

const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isInt32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;

export const FloatColumnScalar = column('FloatColumn', 'A column of finite floats, as a JSON array of numbers (one entry per point).', isFiniteNumber, 'finite numbers');
export const IntColumnScalar = column('IntColumn', 'A column of 32-bit integers, as a JSON array of numbers (one entry per point).', isInt32, '32-bit integers');
