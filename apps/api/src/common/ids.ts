// Identifier checks shared by every module, researcher-facing and the agent protocol alike: a
// malformed id is bad input that names its field, never a database error.
import { BadInputError } from '../errors/codes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The start of an id as people type it (from `stratum runs ls`, a log, a URL): hex digits and dashes. */
export const ID_PREFIX_PATTERN = /^[0-9a-f][0-9a-f-]{0,35}$/i;
export const ID_PREFIX_MESSAGE = 'idPrefix must be the start of an id: hex digits and dashes, at most 36 characters';

/** SQL LIKE pattern matching the ids that start with a (validated) prefix. */
export function idPrefixPattern(prefix: string): string {
  return `${prefix.toLowerCase()}%`;
}

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
