// Identifier checks shared by the researcher-facing modules: a malformed id is bad input that
// names its field, never a database error.
import { BadInputError } from '../errors/codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function parseId(value: string, field: string): string {
  if (!UUID.test(value)) throw new BadInputError(`${field} must be an id (UUID), not ${JSON.stringify(value.slice(0, 60))}`, field);
  return value.toLowerCase();
}

export function parseIds(values: readonly string[], field: string): string[] {
  return values.map((v, i) => parseId(v, `${field}[${i}]`));
}
