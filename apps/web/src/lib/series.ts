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
