'use client';
// The runs table: virtualised rows (only the visible ~30 are in the DOM, so 5,000 runs scroll
// smoothly), more pages fetched through /api/runs as the end comes into view, sort by clicking a
// header (server-side, kept in the URL), and a selection (also in the URL as `sel`) that opens
// Compare for 2–6 runs. Any final evaluation metric can be added as a column (`col` in the URL),
// sortable like the factor columns.
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { MODE_SHORT, fmt, fmtDuration, durationBetween, fmtPercent, fmtTime } from '@/lib/format';
import type { RunRow, SortField } from '@/lib/runs-view';
import { SERVER_SORTS } from '@/lib/runs-filter';
import { columnId, columnLabel, isPercentColumn, sortByColumn, type MetricColumn } from '@/lib/run-columns';

const ROW = 34;
/** Columns wide enough for their whole content: the longest status badge, the longest sweep name loaded. */
function gridColumns(rows: RunRow[], metricColumns: number): string {
  const longestSweep = Math.max(6, ...rows.map((r) => (r.sweepName ?? '').length));
  const sweep = Math.min(360, Math.ceil(longestSweep * 7.4) + 24);
  return `34px minmax(200px, 2.4fr) 128px 84px 64px 48px 64px ${sweep}px minmax(110px, 1fr) 178px 88px${' 118px'.repeat(metricColumns)}`;
}
const MAX_COMPARE = 6;

interface Page { rows: RunRow[]; endCursor: string | null; hasNextPage: boolean }

export function RunsTable({ initial, totalCount, sort, dir, pageQuery, columns = [], columnOptions = [] }: {
  initial: Page;
  /** Metric columns shown (from the URL), and the ones that can be added. */
  columns?: MetricColumn[];
  columnOptions?: MetricColumn[];
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
    if (sort.startsWith('col:')) return sortByColumn(rows, sort.slice(4), dir);
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
  // The rule below is about the React Compiler's memoisation, which the dashboard does not run;
  // nothing here memoises what the virtualizer returns.
  // eslint-disable-next-line react-hooks/incompatible-library
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

  const setColumns = (ids: string[]) => {
    const params = new URLSearchParams(search.toString());
    params.delete('col');
    for (const id of ids) params.append('col', id);
    if (params.get('sort')?.startsWith('col:') && !ids.includes(params.get('sort')!.slice(4))) {
      params.delete('sort');
      params.delete('dir');
    }
    router.replace(`${pathname}?${params}`, { scroll: false });
  };
  const shownIds = columns.map(columnId);
  const addable = columnOptions.filter((c) => !shownIds.includes(columnId(c)));
  const COLUMNS = useMemo(() => gridColumns(rows, columns.length), [rows, columns.length]);

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
          {addable.length ? (
            <label className="field small">Add a metric column
              <select value="" data-testid="add-metric-column" onChange={(e) => { if (e.target.value) setColumns([...shownIds, e.target.value]); }}>
                <option value="">choose…</option>
                {addable.map((c) => <option key={columnId(c)} value={columnId(c)}>{columnLabel(c)}</option>)}
              </select>
            </label>
          ) : null}
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
          {columns.map((c) => {
            const id = columnId(c);
            const active = sort === `col:${id}`;
            return (
              <div key={id} role="columnheader" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} className="row" style={{ gap: 4, flexWrap: 'nowrap' }} title={`${columnLabel(c)}: final block, latest evaluated step`}>
                <button type="button" onClick={() => sortBy(`col:${id}`)} data-testid={`sort-col:${id}`} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  {columnLabel(c)}{active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
                <button type="button" aria-label={`Remove the ${columnLabel(c)} column`} onClick={() => setColumns(shownIds.filter((x) => x !== id))}>×</button>
              </div>
            );
          })}
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
                  <div role="cell" title={run.sweepName ?? undefined}>{run.sweepId ? <Link href={`/sweeps/${run.sweepId}`}>{run.sweepName ?? run.sweepId.slice(0, 8)}</Link> : <span className="muted">—</span>}</div>
                  <div role="cell">{run.tags.map((t) => <span key={t} className="tag">{t}</span>)}</div>
                  <div role="cell" className="num muted">{fmtTime(run.createdAt)}</div>
                  <div role="cell" className="num" suppressHydrationWarning>{fmtDuration(durationBetween(run.startedAt, run.finishedAt))}</div>
                  {columns.map((c) => {
                    const v = run.metrics[columnId(c)] ?? null;
                    return <div key={columnId(c)} role="cell" className="num" data-testid="metric-cell">{isPercentColumn(c) ? fmtPercent(v) : fmt(v, 3)}</div>;
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
