import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { Suspense } from 'react';
import { RunsTable } from '@/components/RunsTable';
import { Resolve } from '@/components/ui/Resolve';
import { PanelSkeleton } from '@/components/ui/States';
import { getProjectId } from '@/lib/data/projects';
import { FIRST_PAGE_SIZE, getColumnOptions, getRunsPage } from '@/lib/data/runs';
import { getSweep } from '@/lib/data/sweep';
import { MODE_LABEL } from '@/lib/format';
import { isUuid } from '@/lib/ids';
import { notFoundUnlessFound } from '@/lib/not-found';
import { one, type SearchParams } from '@/lib/params';
import { runsQueryState } from '@/lib/runs-filter';
import { columnId } from '@/lib/run-columns';

export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const state = runsQueryState(params);
  // The table asks /api/runs for further pages with the same filters and sort.
  const pageQuery = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key === 'sel' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) pageQuery.append(key, v);
  }
  const first = state.problems.length ? null : Promise.all([getRunsPage(state, null, true, FIRST_PAGE_SIZE), getColumnOptions(state)]);
  // Before anything streams: filtering by a project or sweep that does not exist is a 404.
  await Promise.all([
    state.filter.project ? notFoundUnlessFound(getProjectId(state.filter.project)) : null,
    state.filter.sweepId && isUuid(state.filter.sweepId) ? notFoundUnlessFound(getSweep(state.filter.sweepId)) : null,
  ]);
  const text = (name: string) => one(params, name) ?? '';
  const multi = (name: string) => {
    const v = params[name];
    return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
  };
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <p className="muted" style={{ margin: 0 }}>Filter by any factor, status, tag or config value; select 2–6 runs to compare.</p>
        </div>
      </div>
      <Form action="/runs" className="panel toolbar" aria-label="Filter runs">
        {state.filter.sweepId ? <input type="hidden" name="sweep" value={state.filter.sweepId} /> : null}
        {state.columns.map((c) => <input key={columnId(c)} type="hidden" name="col" value={columnId(c)} />)}
        <label className="field">Name contains<input type="search" name="q" defaultValue={text('q')} placeholder="tiny-k4" /></label>
        <label className="field">Project<input type="text" name="project" defaultValue={text('project')} size={12} /></label>
        <label className="field">Status
          <select name="status" defaultValue={multi('status')}>
            <option value="">any</option>
            {['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
          </select>
        </label>
        <label className="field">Regime
          <select name="mode" defaultValue={multi('mode')}>
            <option value="">any</option>
            {Object.entries(MODE_LABEL).map(([m, label]) => <option key={m} value={m}>{label}</option>)}
          </select>
        </label>
        <label className="field">Size<input type="text" name="size" defaultValue={multi('size')} placeholder="tiny,small" size={9} /></label>
        <label className="field">K<input type="text" name="k" defaultValue={multi('k')} placeholder="4,6" size={4} /></label>
        <label className="field">Seed<input type="text" name="seed" defaultValue={multi('seed')} placeholder="0,1" size={4} /></label>
        <label className="field">Tag<input type="text" name="tag" defaultValue={multi('tag')} size={8} /></label>
        <label className="field">Config path=value<input type="text" name="cfg" defaultValue={multi('cfg')} placeholder="optimizer.lr=0.0001" size={18} /></label>
        {state.sort !== 'createdAt' || state.dir !== 'desc' ? <><input type="hidden" name="sort" value={state.sort} /><input type="hidden" name="dir" value={state.dir} /></> : null}
        <button type="submit" className="btn primary">Apply</button>
        <Link href="/runs" className="btn">Reset</Link>
      </Form>
      {state.filter.sweepId ? (
        <div className="row small"><span className="tag">sweep {state.filter.sweepId.slice(0, 8)}</span><Link href={`/sweeps/${state.filter.sweepId}`}>open the sweep grid</Link></div>
      ) : null}
      {state.problems.length ? <div className="error-box" role="alert"><strong>Fix the filters:</strong> {state.problems.join('; ')}</div> : null}
      {first ? (
        <Suspense fallback={<PanelSkeleton height={480} />}>
          <Resolve data={first}>
            {([page, columnOptions]) => (
              <RunsTable
                columns={state.columns}
                columnOptions={columnOptions}
                initial={{ rows: page.rows, endCursor: page.endCursor, hasNextPage: page.hasNextPage }}
                totalCount={page.totalCount}
                sort={state.sort}
                dir={state.dir}
                pageQuery={pageQuery.toString()}
              />
            )}
          </Resolve>
        </Suspense>
      ) : null}
    </div>
  );
}
