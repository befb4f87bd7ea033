'use client';
// The runs table: virtualised rows (only the visible ~30 are in the DOM, so 5,000 runs scroll
// smoothly), more pages fetched through /api/runs as the end comes into view, sort by clicking a
// header (server-side, kept in the URL), and a selection (also in the URL as `sel`) that opens
// Compare for 2–6 runs.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { MODE_SHORT, fmtDuration, durationBetween, fmtTime } from '@/lib/format';
import type { RunRow, SortField } from '@/lib/runs-view';
import { SERVER_SORTS } from '@/lib/runs-filter';

const ROW = 34;
const COLUMNS = '34px minmax(220px, 2.4fr) 108px 84px 64px 48px 64px minmax(96px, 1fr) minmax(130px, 1.1fr) 178px 88px';
const MAX_COMPARE = 6;

interface Page { rows: RunRow[]; endCursor: string | null; hasNextPage: boolean }

export function RunsTable({ initial, totalCount, sort, dir, pageQuery }: {
  initial: Page;
  totalCount: number | null;
  sort: SortField;
  dir: 'asc' | 'desc';
  /** The current filters/sort as a query string for /api/runs. */
  pageQuery: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [rows, setRows] = useState(initial.rows);
  const [cursor, setCursor] = useState({ endCursor: initial.endCursor, hasNextPage: initial.hasNextPage });
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>(() => (search.get('sel') ?? '').split(',').filter(Boolean));
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setRows(initial.rows);
    setCursor({ endCursor: initial.endCursor, hasNextPage: initial.hasNextPage });
  }, [initial]);

  // Factor sorts (status, regime, size, K) are not API orderings: load every page, then sort here.
  const clientSort = !SERVER_SORTS[sort];
  const sorted = useMemo(() => {
    if (!clientSort) return rows;
    const key = (r: RunRow): string | number => (sort === 'blocks' ? r.blocks : sort === 'status' ? r.status : sort === 'mode' ? r.mode : sort === 'modelSize' ? r.modelSize : r.createdAt);
    const out = [...rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c || b.createdAt.localeCompare(a.createdAt);
    });
    return dir === 'desc' ? out.reverse() : out;
  }, [rows, clientSort, sort, dir]);

  // initialRect: the server renders the first screenful of rows (no layout there to measure).
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12, initialRect: { width: 1200, height: 720 } });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;

  const loadMore = useCallback(async () => {
    if (loading || !cursor.hasNextPage || !cursor.endCursor) return;
    setLoading(true);
    try {
      const response = await fetch(`/api/runs?${pageQuery}&after=${encodeURIComponent(cursor.endCursor)}`, { cache: 'no-store' });
      const body = (await response.json()) as Page & { error?: { message: string } };
      if (!response.ok || body.error) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
      setRows((prev) => [...prev, ...body.rows]);
      setCursor({ endCursor: body.endCursor, hasNextPage: body.hasNextPage });
      setLoadError(null);
    } catch (error) {
      setLoadError((error as Error).message);
    } finally {
      setLoading(false);
    }
  }, [loading, cursor, pageQuery]);

  useEffect(() => {
    if ((clientSort || lastIndex >= rows.length - 40) && !loadError) void loadMore();
  }, [clientSort, lastIndex, rows.length, loadMore, loadError]);

  const toggle = (id: string) => {
    setSelected((prev) => {
      const next = prev.includes(id) ? prev.filter((x) => x !== id) : [...prev, id];
      const params = new URLSearchParams(window.location.search);
      if (next.length) params.set('sel', next.join(','));
      else params.delete('sel');
      window.history.replaceState(null, '', `${pathname}${params.size ? `?${params}` : ''}`);
      return next;
    });
  };

  const sortBy = (field: SortField) => {
    const params = new URLSearchParams(search.toString());
    const nextDir = field === sort ? (dir === 'asc' ? 'desc' : 'asc') : field === 'createdAt' ? 'desc' : 'asc';
    params.set('sort', field);
    params.set('dir', nextDir);
    router.replace(`${pathname}?${params}`, { scroll: false });
  };

  const header = (field: SortField | null, label: string) => {
    if (!field) return <div role="columnheader">{label}</div>;
    const active = sort === field;
    return (
      <div role="columnheader" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" onClick={() => sortBy(field)} data-testid={`sort-${field}`}>
          {label}{active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </div>
    );
  };

  const compareHref = useMemo(() => `/compare?${selected.map((id) => `run=${encodeURIComponent(id)}`).join('&')}`, [selected]);
  const canCompare = selected.length >= 2 && selected.length <= MAX_COMPARE;

  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span className="muted" data-testid="runs-count">
          {rows.length.toLocaleString('en-US')}{totalCount !== null ? ` of ${totalCount.toLocaleString('en-US')}` : ''} runs loaded
          {loading ? ' · loading more…' : ''}
          {clientSort && cursor.hasNextPage ? ' · sorting once every page is loaded' : ''}
        </span>
        <span className="row">
          <span className="muted small">{selected.length} selected{selected.length > MAX_COMPARE ? ` (compare takes at most ${MAX_COMPARE})` : ''}</span>
          {selected.length ? <button type="button" className="btn small" onClick={() => { setSelected([]); const p = new URLSearchParams(window.location.search); p.delete('sel'); window.history.replaceState(null, '', `${pathname}${p.size ? `?${p}` : ''}`); }}>Clear</button> : null}
          {canCompare ? (
            <Link className="btn primary" href={compareHref} data-testid="compare-selected">Compare {selected.length} runs</Link>
          ) : (
            <button type="button" className="btn primary" disabled data-testid="compare-selected">Compare (select 2–6)</button>
          )}
        </span>
      </div>
      {loadError ? <div className="error-box" role="alert">Could not load more runs: {loadError} <button type="button" className="btn small" onClick={() => { setLoadError(null); }}>Retry</button></div> : null}
      <div className="vtable" role="table" aria-label="Runs" aria-rowcount={totalCount ?? rows.length}>
        <div className="vtable-head" role="row" style={{ gridTemplateColumns: COLUMNS }}>
          <div role="columnheader"><span className="sr-only">Select</span></div>
          {header('name', 'Run')}
          {header('status', 'Status')}
          {header('mode', 'Regime')}
          {header('modelSize', 'Size')}
          {header('blocks', 'K')}
          {header('seed', 'Seed')}
          {header(null, 'Sweep')}
          {header(null, 'Tags')}
          {header('createdAt', 'Created')}
          {header(null, 'Duration')}
        </div>
        <div className="vtable-body" ref={scroller} style={{ height: 'min(68vh, 720px)' }} data-testid="runs-scroller">
          {rows.length === 0 ? <div className="empty" style={{ margin: 16 }}>No runs match these filters.</div> : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const run = sorted[item.index]!;
              const isSelected = selected.includes(run.id);
              return (
                <div key={run.id} role="row" className="vtable-row" aria-selected={isSelected} aria-rowindex={item.index + 2}
                  style={{ gridTemplateColumns: COLUMNS, height: ROW, transform: `translateY(${item.start}px)` }} data-testid="run-row">
                  <div role="cell"><input type="checkbox" checked={isSelected} onChange={() => toggle(run.id)} aria-label={`Select ${run.name}`} /></div>
                  <div role="cell"><Link href={`/runs/${run.id}`}>{run.name}</Link></div>
                  <div role="cell"><span className={`badge s-${run.status}`}>{run.status.toLowerCase()}</span></div>
                  <div role="cell" className={`mode-${run.mode}`}>{MODE_SHORT[run.mode] ?? run.mode}</div>
                  <div role="cell">{run.modelSize}</div>
                  <div role="cell" className="num">{run.blocks}</div>
                  <div role="cell" className="num">{run.seed}</div>
                  <div role="cell">{run.sweepId ? <Link href={`/sweeps/${run.sweepId}`}>{run.sweepName ?? run.sweepId.slice(0, 8)}</Link> : <span className="muted">—</span>}</div>
                  <div role="cell">{run.tags.map((t) => <span key={t} className="tag">{t}</span>)}</div>
                  <div role="cell" className="num muted">{fmtTime(run.createdAt)}</div>
                  <div role="cell" className="num" suppressHydrationWarning>{fmtDuration(durationBetween(run.startedAt, run.finishedAt))}</div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
