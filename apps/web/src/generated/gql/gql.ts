/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJob {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n": typeof types.AgentsOverviewDocument,
    "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n": typeof types.QueueListingDocument,
    "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJob {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n": types.AgentsOverviewDocument,
    "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n": types.QueueListingDocument,
    "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentsOverview {\n    agents(first: 200) {\n      id\n      name\n      host\n      devices\n      backends\n      version\n      status\n      lastHeartbeatAt\n      currentJob {\n        jobId\n        runId\n        runName\n        progress\n        leaseExpiresAt\n      }\n    }\n  }\n"): typeof import('./graphql').AgentsOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {\n    queue(status: $status, first: $first, offset: $offset) {\n      position\n      jobId\n      runId\n      runName\n      runStatus\n      sweepId\n      kind\n      status\n      priority\n      attempts\n      maxAttempts\n      notBefore\n      runnable\n      leaseOwnerName\n      leaseExpiresAt\n      cancelRequested\n      lastError\n      progress\n      createdAt\n    }\n  }\n"): typeof import('./graphql').QueueListingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      role\n      label\n    }\n  }\n"): typeof import('./graphql').ViewerDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
