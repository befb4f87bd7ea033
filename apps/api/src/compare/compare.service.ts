// compareRuns: what differs in the configs, and the final metrics and per-depth evaluations
// of two runs with their deltas (b − a).
import type { AppServices } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import { parseId } from '../common/ids.js';
import { requireRuns } from '../run/run.service.js';
import { metricKeys } from '../series/series.service.js';
import { canonicalJson } from '../sweep/expand.js';
import { Presence, type ConfigDifference, type EvaluationDelta, type MetricDelta, type RunComparison } from './compare.type.js';
import { selectList, type Fields, type RowOf } from '../common/columns.js';

/** An evaluation as compareRuns pairs it. */
const READING_FIELDS = {
  runId: 'run_id', kind: 'kind', metric: 'metric', target: 'target', dataset: 'dataset', split: 'split', depthUnit: 'depth_unit', depth: 'depth',
  step: 'step', value: 'value',
} as const satisfies Fields<'evaluations'>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf-level differences between two JSON values; objects recurse, arrays compare whole. */
export function configDiff(a: unknown, b: unknown, prefix = ''): ConfigDifference[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!(key in b)) return [{ path, a: a[key], b: null, presence: Presence.ONLY_A }];
      if (!(key in a)) return [{ path, a: null, b: b[key], presence: Presence.ONLY_B }];
      return configDiff(a[key], b[key], path);
    });
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [{ path: prefix || '(config)', a, b, presence: Presence.BOTH }];
}

const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);

export async function compareRuns(app: AppServices, aId: string, bId: string, dataset: string | null = null): Promise<RunComparison> {
  const ids = [parseId(aId, 'a'), parseId(bId, 'b')];
  if (ids[0] === ids[1]) throw new BadInputError('a and b are the same run', 'b');
  const [a, b] = await requireRuns(app, ids, 'runs');

  const keys = await metricKeys(app, ids);
  const metrics = new Map<string, MetricDelta>();
  for (const k of keys) {
    const id = `${k.key}\u0000${k.block ?? 0}`;
    const entry = metrics.get(id) ?? { key: k.key, block: k.block, a: null, b: null, delta: null, aStep: null, bStep: null };
    if (k.runId === a!.id) Object.assign(entry, { a: k.lastValue, aStep: k.lastStep });
    else Object.assign(entry, { b: k.lastValue, bStep: k.lastStep });
    metrics.set(id, entry);
  }
  for (const m of metrics.values()) m.delta = delta(m.a, m.b);

  // Block depths at a partition both runs were evaluated at (an E2E run of a sweep has every K):
  // a's K when b has it, else b's K when a has it, else each run's own K.
  const shared = [a!.blocks, b!.blocks].find((k) => a!.partitions.includes(k) && b!.partitions.includes(k));
  const partitions = [shared ?? a!.blocks, shared ?? b!.blocks];
  const { rows } = await app.readPool.query<RowOf<'evaluations', typeof READING_FIELDS>>(
    `SELECT DISTINCT ON (e.run_id, e.kind, e.metric, e.target, e.dataset, e.split, e.depth_unit, e.depth)
            ${selectList('evaluations', 'e', READING_FIELDS)}
     FROM evaluations e JOIN unnest($1::uuid[], $3::int[]) AS r(id, partition) ON r.id = e.run_id
     WHERE ($2::text IS NULL OR e.dataset = $2) AND (e.depth_unit <> 'BLOCK' OR e.partition = r.partition)
     ORDER BY e.run_id, e.kind, e.metric, e.target, e.dataset, e.split, e.depth_unit, e.depth, e.step DESC`, [ids, dataset, partitions]);
  const evaluations = new Map<string, EvaluationDelta>();
  for (const row of rows) {
    const id = [row.kind, row.metric, row.target, row.dataset, row.split, row.depthUnit, row.depth].join('\u0000');
    const entry = evaluations.get(id) ?? { kind: row.kind, metric: row.metric, target: row.target, dataset: row.dataset, split: row.split, depthUnit: row.depthUnit, depth: row.depth, a: null, b: null, delta: null, aStep: null, bStep: null };
    if (row.runId === a!.id) Object.assign(entry, { a: row.value, aStep: row.step });
    else Object.assign(entry, { b: row.value, bStep: row.step });
    evaluations.set(id, entry);
  }
  for (const e of evaluations.values()) e.delta = delta(e.a, e.b);
  const byString = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

  return {
    a: a!,
    b: b!,
    configDiff: configDiff(a!.config, b!.config),
    metrics: [...metrics.values()].sort((x, y) => byString(x.key, y.key) || (x.block ?? 0) - (y.block ?? 0)),
    evaluations: [...evaluations.values()].sort((x, y) =>
      byString(x.kind, y.kind) || byString(x.metric, y.metric) || byString(x.target, y.target) || byString(x.dataset, y.dataset)
      || byString(x.split, y.split) || byString(x.depthUnit, y.depthUnit) || x.depth - y.depth),
  };
}
