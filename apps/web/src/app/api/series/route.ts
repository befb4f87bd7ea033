// Metric series for the chart islands (zoom at full detail), fetched with the
// signed-in person's token. Only this fixed, validated query is proxied — not arbitrary GraphQL.
import { NextResponse, type NextRequest } from 'next/server';
import { describeError, httpStatusOf } from '@/lib/api-error';
import { getSeries } from '@/lib/data/series';
import { parseSeriesQuery } from '@/lib/series';

export async function GET(request: NextRequest) {
  const parsed = parseSeriesQuery(request.nextUrl.searchParams);
  if ('error' in parsed) return NextResponse.json({ error: { message: parsed.error, code: 'BAD_USER_INPUT' } }, { status: 400 });
  try {
    const series = await getSeries(parsed);
    return NextResponse.json({ series }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const e = describeError(error);
    return NextResponse.json({ error: e }, { status: httpStatusOf(e) });
  }
}
