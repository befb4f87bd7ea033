// Agents that stopped heartbeating (no claim, job heartbeat or registration for
// AGENT_LOST_AFTER_SECONDS) are marked LOST for the dashboard. Their jobs are not touched here:
// leases expire on their own and reclaimExpired requeues them.
import type { AppServices } from '../context.js';
import type { Row } from '../common/columns.js';

export async function markLostAgents(app: AppServices): Promise<Array<{ id: string; name: string }>> {
  const { rows } = await app.pool.query<Pick<Row<'agents'>, 'id' | 'name'>>({
    name: 'stratum_mark_lost_agents',
    text: `UPDATE agents SET status = 'LOST'
           WHERE status IN ('ONLINE', 'DRAINING') AND last_heartbeat_at < now() - make_interval(secs => $1::int)
           RETURNING id, name`,
    values: [app.config.AGENT_LOST_AFTER_SECONDS],
  });
  return rows;
}
