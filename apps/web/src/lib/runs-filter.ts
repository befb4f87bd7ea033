// The runs table's URL state ↔ the API's RunFilter/RunOrder. Pure; shared by the page and the
// /api/runs route handler so both ask the API the same question.
import { many, one, type SearchParams } from './params';
import { SORT_FIELDS, type SortField } from './runs-view';
import { columnId, columnsFromParams, type MetricColumn } from './run-columns';

const STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
const MODES = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'] as const;
type RunStatus = (typeof STATUSES)[number];
type RunMode = (typeof MODES)[number];

/** Sorts the API does itself; the others are factor sorts done in the table over all loaded rows. */
export const SERVER_SORTS: Partial<Record<string, 'CREATED_AT' | 'NAME' | 'SEED'>> = { createdAt: 'CREATED_AT', name: 'NAME', seed: 'SEED' };

export interface RunFilterVars {
  projectId?: string;
  project?: string;
  sweepId?: string;
  status?: RunStatus[];
  mode?: RunMode[];
  modelSize?: string[];
  blocks?: number[];
  seed?: number[];
  tags?: string[];
  nameContains?: string;
  config?: Array<{ path: string; equals: unknown }>;
}

export interface RunsQueryState {
  filter: RunFilterVars;
  sort: SortField;
  dir: 'asc' | 'desc';
  /** Metric columns added by the user (`col`), read with the runs. */
  columns: MetricColumn[];
  /** Problems with the URL (shown to the user rather than silently dropped). */
  problems: string[];
}

const ints = (values: string[], name: string, problems: string[]) => values.flatMap((v) => {
  // GraphQL Int is 32-bit: refuse here with a plain message rather than send what cannot be coerced.
  if (/^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2_147_483_647) return [Number(v)];
  problems.push(`${name}: "${v}" is not a (32-bit) integer`);
  return [];
});

/** `path=value` → { path, equals } with value parsed as JSON when it is JSON (numbers, booleans), else a string. */
export function parseConfigFilter(raw: string): { path: string; equals: unknown } | null {
  const eq = raw.indexOf('=');
  if (eq <= 0) return null;
  const path = raw.slice(0, eq).trim();
  const text = raw.slice(eq + 1).trim();
  if (!/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path)) return null;
  let equals: unknown = text;
  try {
    equals = JSON.parse(text);
  } catch {
    // a bare string such as sequential
  }
  return { path, equals };
}

export function runsQueryState(params: SearchParams): RunsQueryState {
  const problems: string[] = [];
  const filter: RunFilterVars = {};
  const project = one(params, 'project');
  if (project) filter.project = project;
  const sweep = one(params, 'sweep');
  if (sweep) filter.sweepId = sweep;
  const status = many(params, 'status').map((s) => s.toUpperCase());
  const badStatus = status.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (badStatus.length) problems.push(`status: unknown ${badStatus.join(', ')}`);
  const goodStatus = status.filter((s): s is RunStatus => (STATUSES as readonly string[]).includes(s));
  if (goodStatus.length) filter.status = goodStatus;
  const mode = many(params, 'mode').map((s) => s.toUpperCase());
  const goodMode = mode.filter((m): m is RunMode => (MODES as readonly string[]).includes(m));
  if (goodMode.length !== mode.length) problems.push(`mode: expected ${MODES.join(', ')}`);
  if (goodMode.length) filter.mode = goodMode;
  const sizes = many(params, 'size');
  if (sizes.length) filter.modelSize = sizes;
  const k = ints(many(params, 'k'), 'k', problems);
  if (k.length) filter.blocks = k;
  const seeds = ints(many(params, 'seed'), 'seed', problems);
  if (seeds.length) filter.seed = seeds;
  const tags = many(params, 'tag');
  if (tags.length) filter.tags = tags;
  const q = one(params, 'q');
  if (q) filter.nameContains = q;
  const cfgRaw = params.cfg === undefined ? [] : Array.isArray(params.cfg) ? params.cfg : [params.cfg];
  const cfg = cfgRaw.filter(Boolean).map((raw) => {
    const parsed = parseConfigFilter(raw);
    if (!parsed) problems.push(`cfg: "${raw}" is not path=value (e.g. optimizer.lr=0.0001)`);
    return parsed;
  }).filter((c): c is { path: string; equals: unknown } => c !== null);
  if (cfg.length) filter.config = cfg;
  const { columns, problems: columnProblems } = columnsFromParams(params);
  problems.push(...columnProblems);
  const sortRaw = one(params, 'sort');
  const sortsColumn = sortRaw?.startsWith('col:') && columns.some((c) => `col:${columnId(c)}` === sortRaw);
  const sort = (SORT_FIELDS as readonly string[]).includes(sortRaw ?? '') || sortsColumn ? (sortRaw as SortField) : 'createdAt';
  const dirRaw = one(params, 'dir');
  const dir = dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : sort === 'createdAt' ? 'desc' : 'asc';
  return { filter, sort, dir, columns, problems };
}

/** The API ordering for a state (factor sorts fetch newest first and sort in the table). */
export function apiOrder(state: RunsQueryState): { field: 'CREATED_AT' | 'NAME' | 'SEED'; direction: 'ASC' | 'DESC' } {
  const field = SERVER_SORTS[state.sort];
  if (!field) return { field: 'CREATED_AT', direction: 'DESC' };
  return { field, direction: state.dir === 'asc' ? 'ASC' : 'DESC' };
}
