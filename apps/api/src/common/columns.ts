// Select lists of hand-written SQL, checked against the schema. Each output field names its
// column in @stratum/db's generated `Tables` (every table and column by its SQL name, typed as
// node-postgres returns it), so a column renamed or retyped in schema.prisma fails to compile
// here, and the row type a query returns is derived from the same list.
import type { Tables } from '@stratum/db';

export type { Row } from '@stratum/db';

type ColumnOf<T extends keyof Tables> = keyof Tables[T] & string;

/** Output field → column of `T`. */
export type Fields<T extends keyof Tables> = Readonly<Record<string, ColumnOf<T>>>;

/** The row a select list yields: each field typed as its column. */
export type RowOf<T extends keyof Tables, F extends Fields<T>> = { -readonly [K in keyof F]: Tables[T][F[K]] };

/** `alias.column AS "field", …` for the fields of `table` (aliased `alias` in the query). */
export function selectList<T extends keyof Tables>(_table: T, alias: string, fields: Fields<T>): string {
  return Object.entries(fields)
    .map(([field, column]) => (field === column ? `${alias}.${column}` : `${alias}.${column} AS "${field}"`))
    .join(', ');
}
