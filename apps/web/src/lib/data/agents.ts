import 'server-only';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

export { describeProgress } from '../format';


const AgentsQuery = graphql(`
  query AgentsOverview {
    agents(first: 200) {
      id
      name
      host
      devices
      backends
      version
      status
      lastHeartbeatAt
      currentJobs {
        jobId
        runId
        runName
        progress
        leaseExpiresAt
      }
    }
  }
`);

const QueueQuery = graphql(`
  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {
    queue(status: $status, first: $first, offset: $offset) {
      position
      jobId
      runId
      runName
      runStatus
      sweepId
      kind
      status
      priority
      attempts
      maxAttempts
      notBefore
      runnable
      leaseOwnerName
      leaseExpiresAt
      cancelRequested
      lastError
      progress
      createdAt
    }
  }
`);

export async function getAgents() {
  return (await gql(AgentsQuery)).agents;
}

export type JobStatusName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export async function getQueue(status: JobStatusName[] = ['RUNNING', 'QUEUED'], first = 100, offset = 0) {
  return (await gql(QueueQuery, { status, first, offset })).queue;
}

/** "2 × A100 80GB, 1 × CPU" from an agent's device inventory (a JSON list as reported). */
export function describeDevices(devices: unknown): string {
  if (!Array.isArray(devices) || devices.length === 0) return 'no devices reported';
  const counts = new Map<string, number>();
  for (const d of devices) {
    const o = (d && typeof d === 'object' ? d : {}) as Record<string, unknown>;
    const name = String(o.name ?? o.model ?? o.kind ?? o.type ?? 'device');
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${n} × ${name}`).join(', ');
}

