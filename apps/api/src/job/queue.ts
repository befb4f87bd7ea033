// The queue as the dashboard lists it, in claim order: jobs being run first (by lease expiry),
// then runnable jobs in the order claimJob takes them, then jobs waiting out a backoff by
// notBefore, then finished ones newest first.
import type { AppServices } from '../context.js';
import type { QueueEntry } from './job.type.js';
import { selectList, type Fields, type RowOf } from '../common/columns.js';

const JOB_FIELDS = {
  jobId: 'id', runId: 'run_id', kind: 'kind', status: 'status', priority: 'priority', attempts: 'attempts', maxAttempts: 'max_attempts',
  notBefore: 'not_before', leaseOwner: 'lease_owner', leaseExpiresAt: 'lease_expires_at', cancelRequested: 'cancel_requested',
  lastError: 'last_error', progress: 'progress', createdAt: 'created_at',
} as const satisfies Fields<'jobs'>;
const RUN_FIELDS = { runName: 'name', runStatus: 'status', sweepId: 'sweep_id' } as const satisfies Fields<'runs'>;

/** A queue entry as SELECT reads it (the lease owner's name is null when no agent holds the job). */
type EntryRow = RowOf<'jobs', typeof JOB_FIELDS> & RowOf<'runs', typeof RUN_FIELDS> & { runnable: boolean; leaseOwnerName: string | null };

const SELECT = `
SELECT ${selectList('jobs', 'j', JOB_FIELDS)}, ${selectList('runs', 'r', RUN_FIELDS)}, a.name AS "leaseOwnerName",
       (j.status = 'QUEUED' AND j.not_before <= now()) AS runnable
FROM jobs j
JOIN runs r ON r.id = j.run_id
LEFT JOIN agents a ON a.id = j.lease_owner`;

const CLAIM_ORDER = `
ORDER BY CASE j.status WHEN 'RUNNING' THEN 0 WHEN 'QUEUED' THEN (CASE WHEN j.not_before <= now() THEN 1 ELSE 2 END) ELSE 3 END,
         CASE WHEN j.status = 'RUNNING' THEN j.lease_expires_at END,
         CASE WHEN j.status = 'QUEUED' AND j.not_before <= now() THEN -j.priority END,
         CASE WHEN j.status = 'QUEUED' THEN j.not_before END,
         CASE WHEN j.status NOT IN ('QUEUED', 'RUNNING') THEN j.updated_at END DESC,
         j.queue_order`;

export async function listQueue(app: AppServices, statuses: string[], first: number, offset: number): Promise<QueueEntry[]> {
  const limit = Math.min(first, app.config.MAX_PAGE_SIZE);
  const { rows } = await app.readPool.query<EntryRow>(
    `${SELECT} WHERE j.status::text = ANY($1::text[]) ${CLAIM_ORDER} LIMIT $2 OFFSET $3`,
    [statuses, limit, offset],
  );
  return rows.map((row, i) => ({ ...row, position: offset + i }) satisfies QueueEntry);
}

/** Jobs held right now by each of `agentIds` (for Agent.currentJobs), in key order. */
export async function runningJobsByAgent(app: AppServices, agentIds: readonly string[]): Promise<QueueEntry[][]> {
  const { rows } = await app.pool.query<EntryRow>(
    `${SELECT} WHERE j.status = 'RUNNING' AND j.lease_owner = ANY($1::uuid[]) ORDER BY j.lease_expires_at, j.id`,
    [agentIds],
  );
  const byAgent = new Map<string, QueueEntry[]>();
  for (const row of rows) {
    const list = byAgent.get(row.leaseOwner!) ?? [];
    list.push({ ...row, position: list.length } satisfies QueueEntry);
    byAgent.set(row.leaseOwner!, list);
  }
  return agentIds.map((id) => byAgent.get(id) ?? []);
}
