// Further pages of the runs table for the browser: the same filters as the page, answered with
// the signed-in person's token (the browser never holds it).
import { NextResponse, type NextRequest } from 'next/server';
import { describeError, httpStatusOf } from '@/lib/api-error';
import { getRunsPage } from '@/lib/data/runs';
import { runsQueryState } from '@/lib/runs-filter';

export async function GET(request: NextRequest) {
  const url = request.nextUrl;
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    params[key] = all.length === 1 ? all[0]! : all;
  }
  const state = runsQueryState(params);
  if (state.problems.length) return NextResponse.json({ error: { message: state.problems.join('; '), code: 'BAD_USER_INPUT' } }, { status: 400 });
  const after = url.searchParams.get('after');
  try {
    const page = await getRunsPage(state, after, false);
    return NextResponse.json({ rows: page.rows, endCursor: page.endCursor, hasNextPage: page.hasNextPage }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const e = describeError(error);
    return NextResponse.json({ error: e }, { status: httpStatusOf(e) });
  }
}
