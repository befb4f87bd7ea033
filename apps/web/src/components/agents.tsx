// Agents and queue tables (server components), used by the Agents page and the overview.
import Link from 'next/link';
import { StatusBadge, Empty } from './ui/States';
import { describeDevices, describeProgress } from '@/lib/data/agents';
import { fmtAgo, fmtTime } from '@/lib/format';
import type { AgentsOverviewQuery, QueueListingQuery } from '@/generated/gql/graphql';

type AgentRow = AgentsOverviewQuery['agents'][number];
type QueueRow = QueueListingQuery['queue'][number];

export function AgentsTable({ agents, now, compact = false }: { agents: AgentRow[]; now: number; compact?: boolean }) {
  if (agents.length === 0) return <Empty>No agents have registered yet. Start one with <code>stratum-agent --api … --token …</code>.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="agents-table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Status</th>
            {compact ? null : <th>Host</th>}
            {compact ? null : <th>Devices</th>}
            <th>Backends</th>
            <th>Last heartbeat</th>
            <th>Current jobs</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => (
            <tr key={agent.id}>
              <td className="nowrap"><strong>{agent.name}</strong>{agent.version && !compact ? <div className="muted small">v{agent.version}</div> : null}</td>
              <td><StatusBadge status={agent.status} /></td>
              {compact ? null : <td className="mono">{agent.host}</td>}
              {compact ? null : <td>{describeDevices(agent.devices)}</td>}
              <td>{agent.backends.length ? agent.backends.join(', ') : <span className="muted">—</span>}</td>
              <td title={fmtTime(agent.lastHeartbeatAt)} suppressHydrationWarning>{fmtAgo(agent.lastHeartbeatAt, now)}</td>
              <td>
                {agent.currentJobs.length ? agent.currentJobs.map((job) => (
                  <div key={job.jobId} data-testid="agent-job">
                    <Link href={`/runs/${job.runId}`}>{job.runName}</Link>
                    {describeProgress(job.progress) ? <div className="muted small">{describeProgress(job.progress)}</div> : null}
                  </div>
                )) : <span className="muted">idle</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function QueueTable({ entries, now, actions, compact = false }: {
  entries: QueueRow[];
  now: number;
  /** Cancel/retry controls per entry, only rendered for WRITER+ tokens. */
  actions?: (entry: QueueRow) => React.ReactNode;
  compact?: boolean;
}) {
  if (entries.length === 0) return <Empty>The queue is empty.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="queue-table">
        <thead>
          <tr>
            <th className="r">#</th>
            <th>Run</th>
            <th>Job</th>
            {compact ? null : <th className="r">Priority</th>}
            <th className="r">Attempt</th>
            <th>Agent</th>
            {compact ? null : <th>Not before / lease</th>}
            {compact ? null : <th>Last error</th>}
            {actions ? <th><span className="sr-only">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.jobId} data-testid="queue-row">
              <td className="r num">{entry.position + 1}</td>
              <td>
                <Link href={`/runs/${entry.runId}`}>{entry.runName}</Link>
                {entry.kind !== 'TRAIN' ? <span className="tag" style={{ marginLeft: 6 }}>{entry.kind.toLowerCase()}</span> : null}
                {describeProgress(entry.progress) ? <div className="muted small">{describeProgress(entry.progress)}</div> : null}
              </td>
              <td>
                <StatusBadge status={entry.status} />
                {entry.status === 'QUEUED' && !entry.runnable ? <span className="muted small"> backing off</span> : null}
                {entry.cancelRequested ? <span className="badge s-CANCELLED plain" style={{ marginLeft: 4 }}>cancel requested</span> : null}
              </td>
              {compact ? null : <td className="r num">{entry.priority}</td>}
              <td className="r num">{entry.attempts}/{entry.maxAttempts}</td>
              <td>{entry.leaseOwnerName ?? <span className="muted">—</span>}</td>
              {compact ? null : (
                <td className="small" suppressHydrationWarning>
                  {entry.status === 'RUNNING' && entry.leaseExpiresAt ? `lease until ${fmtTime(entry.leaseExpiresAt)}` : Date.parse(entry.notBefore) > now ? `after ${fmtTime(entry.notBefore)}` : <span className="muted">now</span>}
                </td>
              )}
              {compact ? null : <td className="small" style={{ maxWidth: 280 }}>{entry.lastError ? <span title={entry.lastError}>{entry.lastError.slice(0, 120)}</span> : <span className="muted">—</span>}</td>}
              {actions ? <td>{actions(entry)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
