// The series contract between the /api/series route handler and the chart island (client-safe).

/** One downsampled series: points are [step, value (bucket's last), min, max]. */
export interface SeriesPayload {
  runId: string;
  key: string;
  /** null = whole model. */
  block: number | null;
  points: Array<[number, number, number, number]>;
  /** True when the points are raw (the range had fewer points than maxPoints). */
  raw: boolean;
}

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  /** null entries = whole model; empty = every block. */
  blocks: Array<number | null>;
  fromStep?: number;
  toStep?: number;
  maxPoints: number;
}

export function seriesId(s: Pick<SeriesPayload, 'runId' | 'key' | 'block'>): string {
  return `${s.runId}|${s.key}|${s.block ?? 'model'}`;
}

/** URL query for /api/series; parsed back by parseSeriesQuery. */
export function seriesQuery(request: SeriesRequest): string {
  const q = new URLSearchParams();
  for (const id of request.runIds) q.append('run', id);
  for (const key of request.keys) q.append('key', key);
  for (const block of request.blocks) q.append('block', block === null ? 'model' : String(block));
  if (request.fromStep !== undefined) q.set('from', String(Math.floor(request.fromStep)));
  if (request.toStep !== undefined) q.set('to', String(Math.ceil(request.toStep)));
  q.set('maxPoints', String(request.maxPoints));
  return q.toString();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseSeriesQuery(params: URLSearchParams): SeriesRequest | { error: string } {
  const runIds = params.getAll('run');
  const keys = params.getAll('key');
  if (runIds.length === 0 || runIds.length > 6 || !runIds.every((id) => UUID.test(id))) return { error: 'run: 1 to 6 run ids (uuid) required' };
  if (keys.length === 0 || keys.length > 8 || !keys.every((k) => /^[\w./:-]{1,128}$/.test(k))) return { error: 'key: 1 to 8 metric keys required' };
  const blocks: Array<number | null> = [];
  for (const b of params.getAll('block')) {
    if (b === 'model') blocks.push(null);
    else if (/^\d{1,3}$/.test(b)) blocks.push(Number(b));
    else return { error: `block: "${b}" is not a block number or "model"` };
  }
  const int = (name: string): number | undefined | null => {
    const v = params.get(name);
    if (v === null || v === '') return undefined;
    return /^-?\d{1,12}$/.test(v) ? Number(v) : null;
  };
  const fromStep = int('from');
  const toStep = int('to');
  const maxPoints = int('maxPoints') ?? 1000;
  if (fromStep === null || toStep === null) return { error: 'from/to: integer steps expected' };
  if (maxPoints === null || maxPoints < 2 || maxPoints > 5000) return { error: 'maxPoints: 2..5000' };
  return { runIds, keys, blocks, maxPoints, ...(fromStep !== undefined ? { fromStep } : {}), ...(toStep !== undefined ? { toStep } : {}) };
}

/** A point pushed by the live relay (block null = whole model). */
export interface LivePoint { key: string; block: number | null; step: number; value: number }

/**
 * The series with pushed points appended (as raw points after each series' last step; earlier
 * steps are already in the downsampled view). Only the request's run, keys and blocks are kept;
 * a block seen for the first time becomes a new series. Returns `series` itself when nothing is new.
 */
export function appendLivePoints(series: SeriesPayload[], request: Pick<SeriesRequest, 'runIds' | 'keys' | 'blocks'>, runId: string, points: LivePoint[]): SeriesPayload[] {
  if (!request.runIds.includes(runId)) return series;
  const wanted = points.filter((p) => request.keys.includes(p.key) && (request.blocks.length === 0 || request.blocks.includes(p.block)));
  if (wanted.length === 0) return series;
  const next = [...series];
  const index = new Map(next.map((s, i) => [seriesId(s), i]));
  let changed = false;
  for (const p of [...wanted].sort((a, b) => a.step - b.step)) {
    const id = seriesId({ runId, key: p.key, block: p.block });
    let i = index.get(id);
    if (i === undefined) {
      i = next.push({ runId, key: p.key, block: p.block, points: [], raw: true }) - 1;
      index.set(id, i);
    }
    const target = next[i]!;
    const last = target.points[target.points.length - 1];
    if (last && last[0] >= p.step) continue;
    if (target === series[i]) next[i] = { ...target, points: [...target.points] };
    next[i]!.points.push([p.step, p.value, p.value, p.value]);
    changed = true;
  }
  return changed ? next : series;
}
