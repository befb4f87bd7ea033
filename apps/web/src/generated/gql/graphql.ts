/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** ONLINE claims work; DRAINING finishes what it holds; OFFLINE left cleanly; LOST stopped heartbeating. */
export type AgentStatus =
  | 'DRAINING'
  | 'LOST'
  | 'OFFLINE'
  | 'ONLINE';

/** TRAIN trains one run; COMPARE measures a pair of runs. */
export type JobKind =
  | 'COMPARE'
  | 'TRAIN';

/** Where a job is in the queue. */
export type JobStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type AgentsOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type AgentsOverviewQuery = { agents: Array<{ id: string, name: string, host: string, devices: unknown, backends: Array<string>, version: string | null, status: AgentStatus, lastHeartbeatAt: string, currentJob: { jobId: string, runId: string, runName: string, progress: unknown, leaseExpiresAt: string | null } | null }> };

export type QueueListingQueryVariables = Exact<{
  status?: Array<JobStatus> | JobStatus | null | undefined;
  first: number;
  offset: number;
}>;


export type QueueListingQuery = { queue: Array<{ position: number, jobId: string, runId: string, runName: string, runStatus: string, sweepId: string | null, kind: JobKind, status: JobStatus, priority: number, attempts: number, maxAttempts: number, notBefore: string, runnable: boolean, leaseOwnerName: string | null, leaseExpiresAt: string | null, cancelRequested: boolean, lastError: string | null, progress: unknown, createdAt: string }> };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { role: string, label: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const AgentsOverviewDocument = new TypedDocumentString(`
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
    currentJob {
      jobId
      runId
      runName
      progress
      leaseExpiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<AgentsOverviewQuery, AgentsOverviewQueryVariables>;
export const QueueListingDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<QueueListingQuery, QueueListingQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    role
    label
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;