// The queue as the dashboard lists it, in claim order: jobs being run first (by lease expiry),
// then runnable jobs in the order claimJob takes them, then jobs waiting out a backoff by
// notBefore, then finished ones newest first.
import type { AppServices } from '../context.js';
import type { QueueEntry } from './job.type.js';

const SELECT = `
SELECT j.id AS "jobId", j.run_id AS "runId", r.name AS "runName", r.status::text AS "runStatus", r.sweep_id AS "sweepId",
       j.kind::text AS kind, j.status::text AS status, j.priority, j.attempts, j.max_attempts AS "maxAttempts",
       j.not_before AS "notBefore", (j.status = 'QUEUED' AND j.not_before <= now()) AS runnable,
       j.lease_owner AS "leaseOwner", a.name AS "leaseOwnerName", j.lease_expires_at AS "leaseExpiresAt",
       j.cancel_requested AS "cancelRequested", j.last_error AS "lastError", j.progress, j.created_at AS "createdAt"
FROM jobs j
JOIN runs r ON r.id = j.run_id
LEFT JOIN agents a ON a.id = j.lease_owner`;

const CLAIM_ORDER = `
ORDER BY CASE j.status WHEN 'RUNNING' THEN 0 WHEN 'QUEUED' THEN (CASE WHEN j.not_before <= now() THEN 1 ELSE 2 END) ELSE 3 END,
         CASE WHEN j.status = 'RUNNING' THEN j.lease_expires_at END,
         CASE WHEN j.status = 'QUEUED' AND j.not_before <= now() THEN -j.priority END,
         CASE WHEN j.status = 'QUEUED' THEN j.not_before END,
         CASE WHEN j.status NOT IN ('QUEUED', 'RUNNING') THEN j.updated_at END DESC,
         j.created_at, j.id`;

export async function listQueue(app: AppServices, statuses: string[], first: number, offset: number): Promise<QueueEntry[]> {
  const limit = Math.min(first, app.config.MAX_PAGE_SIZE);
  const { rows } = await app.readPool.query<Omit<QueueEntry, 'position'>>(
    `${SELECT} WHERE j.status::text = ANY($1::text[]) ${CLAIM_ORDER} LIMIT $2 OFFSET $3`,
    [statuses, limit, offset],
  );
  return rows.map((row, i) => ({ ...row, position: offset + i }) as QueueEntry);
}

/** Jobs held right now by each of `agentIds` (for Agent.currentJobs), in key order. */
export async function runningJobsByAgent(app: AppServices, agentIds: readonly string[]): Promise<QueueEntry[][]> {
  const { rows } = await app.pool.query<Omit<QueueEntry, 'position'>>(
    `${SELECT} WHERE j.status = 'RUNNING' AND j.lease_owner = ANY($1::uuid[]) ORDER BY j.lease_expires_at, j.id`,
    [agentIds],
  );
  const byAgent = new Map<string, QueueEntry[]>();
  for (const row of rows) {
    const list = byAgent.get(row.leaseOwner as string) ?? [];
    list.push({ ...row, position: list.length } as QueueEntry);
    byAgent.set(row.leaseOwner as string, list);
  }
  return agentIds.map((id) => byAgent.get(id) ?? []);
}
