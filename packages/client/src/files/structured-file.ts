// Loads a YAML or JSON document and validates it with a zod schema, reporting every problem with
// the file, line and column of the offending node and the dotted path of the field — before
// anything is sent anywhere. YAML's node ranges map a zod issue's path back to the source.
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { FileValidationError, type FileIssue } from './file-errors.js';

export { FileValidationError, formatIssue, type FileIssue } from './file-errors.js';

/** `['factors', 'seeds', 1]` → `factors.seeds[1]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += (out ? '.' : '') + String(key);
  }
  return out;
}

type Format = 'yaml' | 'json';

function formatOf(file: string): Format {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

function positionOf(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** The node at `path`, or the deepest existing ancestor when the path ends in a missing key. */
function nodeAt(doc: Document, path: ReadonlyArray<PropertyKey>): { node: YamlNode | null; exact: boolean } {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth) as unknown[];
    const node = depth === 0 ? doc.contents : (doc.getIn(prefix, true) as YamlNode | undefined);
    if (node && typeof node === 'object' && 'range' in node && node.range) return { node, exact: depth === path.length };
  }
  return { node: null, exact: false };
}

/** The key node of `key` inside the map at `path` (for "unknown key" issues). */
function keyNodeAt(doc: Document, path: ReadonlyArray<PropertyKey>, key: string): YamlNode | null {
  const map = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
  if (!isMap(map)) return null;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return null;
}

function zodIssues(error: z.ZodError, doc: Document | null, lines: LineCounter, data: unknown): FileIssue[] {
  const out: FileIssue[] = [];
  const locate = (node: YamlNode | null): Partial<FileIssue> => (node?.range ? positionOf(lines, node.range[0]) : {});
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...path, key]), message: 'unknown field (check its spelling; unknown fields are refused, not ignored)', ...(doc ? locate(keyNodeAt(doc, path, key)) : {}) });
      }
      continue;
    }
    const { node, exact } = doc ? nodeAt(doc, path) : { node: null, exact: false };
    const missing = !exact && valueAt(data, path) === undefined;
    out.push({ path: formatPath(path), message: missing ? 'required field is missing' : issue.message, ...locate(node) });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** JSON.parse's error → a FileIssue. Node ≥ 21 names "line L column C" or "position N"; Node 20
 * often names neither, so fall back to a scan of our own. */
function jsonSyntaxIssue(error: Error, lines: LineCounter, text: string): FileIssue {
  const message = `JSON syntax error: ${error.message.split('\n')[0]?.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+.*$/, '')}`;
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn) return { path: '', message, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(error.message);
  if (position) return { path: '', message, ...positionOf(lines, Math.min(Number(position[1]), text.length)) };
  const offset = jsonErrorOffset(text);
  if (offset !== undefined) return { path: '', message, ...positionOf(lines, Math.min(offset, text.length)) };
  return { path: '', message };
}

/** Where a strict JSON scan of `text` first fails (undefined when it does not): a small
 * recursive-descent scanner used only to place JSON.parse's error on a line. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  class Stop extends Error {}
  const fail = (): never => { throw new Stop(); };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++; };
  const literal = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail(); };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 5; } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++; else fail();
      } else i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++; space();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string(); space();
        if (text[i] !== ':') fail();
        i++; value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; space();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(); space();
    return i < text.length ? i : undefined;
  } catch (error) {
    if (error instanceof Stop) return i;
    return i; // too deep to scan (stack): the position reached is still a fair hint
  }
}

/**
 * Parses `text` (YAML, or JSON when `file` ends in .json) and validates it against `schema`.
 * Throws FileValidationError listing every syntax or schema problem with line and column.
 */
export function parseStructuredFile<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const format = formatOf(file);
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new FileValidationError(file, [jsonSyntaxIssue(error as Error, lines, text)]);
    }
  }
  if (doc.errors.length > 0) {
    throw new FileValidationError(file, doc.errors.map((error) => ({
      path: '',
      message: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${error.message.split('\n')[0]}`,
      ...positionOf(lines, error.pos[0]),
    })));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new FileValidationError(file, [{ path: '', message: (error as Error).message }]);
  }
  if (data === null || data === undefined) throw new FileValidationError(file, [{ path: '', message: 'the file is empty', line: 1, column: 1 }]);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new FileValidationError(file, zodIssues(parsed.error, doc, lines, data));
  return parsed.data;
}
