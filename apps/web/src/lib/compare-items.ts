// What Compare compares: 2–6 runs (`run=<id>`) or sweep grid cells
// (`cell=<sweepId>:<modelSize>:<K>:<mode>`), in URL order. Client-safe.
import { isUuid } from './ids';
import type { SearchParams } from './params';

export type CompareItem =
  | { type: 'run'; id: string }
  | { type: 'cell'; sweepId: string; modelSize: string; blocks: number; mode: 'E2E' | 'BLOCKWISE_SIMULTANEOUS' | 'BLOCKWISE_SEQUENTIAL' };

export const MAX_ITEMS = 6;
const MODES = new Set(['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL']);

export function cellParam(c: { sweepId: string; modelSize: string; blocks: number; mode: string }): string {
  return `${c.sweepId}:${c.modelSize}:${c.blocks}:${c.mode}`;
}

export function parseCompareItems(params: SearchParams): { items: CompareItem[]; problems: string[] } {
  const problems: string[] = [];
  const items: CompareItem[] = [];
  const list = (name: string) => {
    const v = params[name];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  };
  // Keep the URL's order across both kinds: runs first as listed, then cells.
  for (const id of list('run')) {
    if (isUuid(id)) items.push({ type: 'run', id });
    else problems.push(`run: "${id}" is not a run id`);
  }
  for (const raw of list('cell')) {
    const [sweepId, modelSize, k, mode] = raw.split(':');
    if (!isUuid(sweepId) || !modelSize || !k || !/^\d+$/.test(k) || !mode || !MODES.has(mode)) {
      problems.push(`cell: "${raw}" is not sweepId:size:K:mode`);
      continue;
    }
    items.push({ type: 'cell', sweepId, modelSize, blocks: Number(k), mode: mode as 'E2E' });
  }
  const seen = new Set<string>();
  const unique = items.filter((item) => {
    const key = item.type === 'run' ? item.id : cellParam(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > MAX_ITEMS) problems.push(`at most ${MAX_ITEMS} runs or cells can be compared; the first ${MAX_ITEMS} are shown`);
  return { items: unique.slice(0, MAX_ITEMS), problems };
}

/** The compare URL without one item (for its "remove" link). */
export function compareHrefWithout(items: CompareItem[], drop: number, rest: string): string {
  const q = new URLSearchParams(rest);
  q.delete('run');
  q.delete('cell');
  items.forEach((item, i) => {
    if (i === drop) return;
    if (item.type === 'run') q.append('run', item.id);
    else q.append('cell', cellParam(item));
  });
  return `/compare?${q}`;
}
