// @stratum/wire: how the SDK, the CLI, the agent and the dashboard talk to the API.
export { StratumError, hasCode, type StratumErrorDetails } from './error.js';
export { DEFAULT_RETRY, abortedError, backoffDelay, sleep, withRetry, type RetryInfo, type RetryOptions, type RetryPolicy } from './retry.js';
export { graphqlEndpoint, open, send, type OpenResponse, type SendOptions } from './http.js';
export { httpError, postGraphQL, type GraphQLRequest, type TypedOperation } from './graphql.js';
