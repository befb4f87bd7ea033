// The reaper: an in-process interval in every API replica. Each pass reclaims expired leases and
// marks silent agents LOST. Replicas need no coordination: reclaimExpired takes its rows with
// FOR UPDATE SKIP LOCKED, so two passes at the same instant split the work between them.
import { startPeriodicTask } from '../common/periodic.js';
import type { AppServices } from '../context.js';
import { reclaimExpired } from '../job/reclaim-expired.js';
import { markLostAgents } from './mark-lost-agents.js';

export interface ReaperPass {
  reclaimed: number;
  lostAgents: number;
}

/** One pass; loops while a full page of expired leases came back (bounded). */
export async function reapOnce(app: AppServices, pageSize = 500, maxPages = 20): Promise<ReaperPass> {
  let reclaimed = 0;
  for (let page = 0; page < maxPages; page++) {
    const done = await reclaimExpired(app, pageSize);
    reclaimed += done.length;
    for (const t of done) {
      app.log.info({ jobId: t.jobId, runId: t.runId, status: t.status, attempts: t.attempts, notBefore: t.notBefore }, 'reclaimed an expired lease');
    }
    if (done.length < pageSize) break;
  }
  const lost = await markLostAgents(app);
  for (const agent of lost) app.log.warn({ agentId: agent.id, agent: agent.name }, 'agent stopped heartbeating; marked LOST');
  return { reclaimed, lostAgents: lost.length };
}

/** The background task registered in modules.ts: a pass every REAPER_INTERVAL_MS, never overlapping itself. */
export function startReaper(app: AppServices): { stop(): Promise<void> } {
  return startPeriodicTask(app, 'reaper pass', app.config.REAPER_INTERVAL_MS, () => reapOnce(app));
}
