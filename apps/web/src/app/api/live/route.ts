// Live updates for the dashboard as Server-Sent Events, relayed from the API's graphql-ws
// subscriptions with the signed-in person's token (after checking with the API that it may read).
// Only fixed topics can be asked for:
//   ?run=<id>    the run's new metric points (`metrics`), status changes (`status`) and its
//                agent's heartbeats with progress (`progress`);
//   ?sweep=<id>  status changes of the sweep's runs (`status`);
//   ?queue=1     queue changes (`queue`), every run status change (`status`) and agent
//                heartbeats (`heartbeat`).
import { NextResponse, type NextRequest } from 'next/server';
import { describeError, httpStatusOf } from '@/lib/api-error';
import { getViewer, READ_ROLES } from '@/lib/data/viewer';
import { isUuid } from '@/lib/ids';
import { liveStream, type LiveTopic } from '@/lib/live';
import { caller } from '@/lib/session';

export const dynamic = 'force-dynamic';

const METRICS = 'subscription LiveMetrics($runId: ID!) { metricPoints(runId: $runId) { runId points { key block step value } } }';
const STATUS = 'subscription LiveStatus($runId: ID, $sweepId: ID) { runStatusChanged(runId: $runId, sweepId: $sweepId) { runId sweepId status } }';
const QUEUE = 'subscription LiveQueue { queueChanged { jobId runId status } }';
const HEARTBEAT = 'subscription LiveHeartbeat { agentHeartbeat { agentId jobId runId progress at } }';

type Heartbeat = { runId: string };

function topicsFor(params: URLSearchParams): LiveTopic[] | string {
  const run = params.get('run');
  const sweep = params.get('sweep');
  const queue = params.get('queue') === '1';
  if (run !== null && !isUuid(run)) return `run must be a run id (UUID), not ${JSON.stringify(String(run).slice(0, 60))}`;
  if (sweep !== null && !isUuid(sweep)) return `sweep must be a sweep id (UUID), not ${JSON.stringify(String(sweep).slice(0, 60))}`;
  const topics: LiveTopic[] = [];
  if (run) {
    const runId = run.toLowerCase();
    topics.push({ event: 'metrics', query: METRICS, variables: { runId }, pick: (d) => d.metricPoints });
    topics.push({ event: 'status', query: STATUS, variables: { runId }, pick: (d) => d.runStatusChanged });
    topics.push({ event: 'progress', query: HEARTBEAT, pick: (d) => ((d.agentHeartbeat as Heartbeat).runId === runId ? d.agentHeartbeat : null) });
  }
  if (sweep) topics.push({ event: 'status', query: STATUS, variables: { sweepId: sweep.toLowerCase() }, pick: (d) => d.runStatusChanged });
  if (queue) {
    topics.push({ event: 'queue', query: QUEUE, pick: (d) => d.queueChanged });
    if (!run && !sweep) topics.push({ event: 'status', query: STATUS, pick: (d) => d.runStatusChanged });
    topics.push({ event: 'heartbeat', query: HEARTBEAT, pick: (d) => d.agentHeartbeat });
  }
  if (topics.length === 0) return 'ask for run=<id>, sweep=<id> and/or queue=1';
  return topics;
}

export async function GET(request: NextRequest) {
  const topics = topicsFor(request.nextUrl.searchParams);
  if (typeof topics === 'string') return NextResponse.json({ error: { message: topics, code: 'BAD_USER_INPUT' } }, { status: 400 });
  let token: string | null;
  try {
    token = (await caller()).token;
    const { role } = await getViewer();
    if (!READ_ROLES.has(role)) return NextResponse.json({ error: { message: `a ${role} token cannot read live updates`, code: 'FORBIDDEN' } }, { status: 403 });
  } catch (error) {
    const e = describeError(error);
    return NextResponse.json({ error: e }, { status: httpStatusOf(e) });
  }
  return new Response(liveStream(topics, token, request.signal), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' },
  });
}
