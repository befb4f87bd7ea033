// graphql-ws on the API's port, with the same rules as HTTP: the depth limit and the other
// validation rules, the cost limit, error masking; bounded frames, connections and time to send
// connection_init; in local-dev mode only loopback Host and Origin.
import crypto from 'node:crypto';
import type http from 'node:http';
import { createRequire } from 'node:module';
import type { ExecutionArgs, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createContext, type AppServices } from './context.js';
import type { Principal } from './auth/tokens.js';
import { depthLimit } from './common/limits.js';
import { assertCostWithin } from './common/cost.js';
import { isLoopback } from './env.js';
import { localDevRefusal } from './origin-guard.js';
import type { RateLimits } from './rate-limit.js';

// graphql as Node's require resolves it: the copy type-graphql built the schema with and graphql-ws
// checks errors against (instanceof). A bundler or test runner may hand an ESM import another copy.
const { GraphQLError, parse, specifiedRules, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
type GraphQLError = import('graphql').GraphQLError;

/** How often an open subscription's socket re-checks its token (revocation takes effect within this). */
const WS_TOKEN_RECHECK_MS = 1_000;

interface WsDeps {
  principalFor(app: AppServices, header: string | undefined): Promise<Principal | null>;
  /** Each operation counts against its token's rate, as an HTTP request does. */
  limits: RateLimits;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

type Extra = { tokenCheckedAt?: number; tokenKey?: string; principal?: Principal | null };

export function attachGraphqlWs(app: AppServices, schema: GraphQLSchema, httpServer: http.Server, deps: WsDeps) {
  const { config } = app;
  const localDev = config.STRATUM_LOCAL_DEV && isLoopback(config.HOST);
  const perToken = new Map<string, number>();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    // A frame over the limit closes the socket (1009) before it is buffered whole or parsed.
    maxPayload: config.WS_MAX_PAYLOAD_BYTES,
    verifyClient: ({ req }, done) => {
      if (wsServer.clients.size >= config.WS_MAX_CONNECTIONS) return done(false, 503, 'too many WebSocket connections');
      const refusal = localDev ? localDevRefusal(req) : null;
      if (refusal) return done(false, 403, refusal);
      done(true);
    },
  });
  const header = (params: Record<string, unknown> | undefined) => (params?.authorization ?? params?.Authorization) as string | undefined;
  const rules = [...specifiedRules, depthLimit(config.QUERY_DEPTH_LIMIT)];
  const format = (errors: readonly unknown[]) => errors.map((e) => {
    const error = e as GraphQLError;
    const formatted = typeof error.toJSON === 'function' ? error.toJSON() : { message: String((e as Error)?.message ?? e) };
    return deps.formatError(formatted, error);
  });
  const cleanup = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      // A socket without a valid token is refused at connection_init (4403 Forbidden), and so is
      // one over the per-token connection limit.
      onConnect: async (ctx) => {
        const principal = await deps.principalFor(app, header(ctx.connectionParams)).catch(() => undefined);
        if (principal === undefined) return false;
        const key = principal?.tokenId ?? 'anonymous';
        const open = perToken.get(key) ?? 0;
        if (open >= config.WS_MAX_CONNECTIONS_PER_TOKEN) return false;
        perToken.set(key, open + 1);
        ctx.extra.tokenKey = key;
        ctx.extra.principal = principal;
        return true;
      },
      onClose: (ctx) => {
        const key = ctx.extra.tokenKey;
        if (key === undefined) return;
        const open = (perToken.get(key) ?? 1) - 1;
        if (open > 0) perToken.set(key, open);
        else perToken.delete(key);
      },
      // Validation and cost as on HTTP; the errors masked as on HTTP.
      onSubscribe: async (ctx, _id, payload) => {
        const refusal = await deps.limits.consume(ctx.extra.principal ?? null, ctx.extra.request.socket.remoteAddress);
        if (refusal) return [new GraphQLError(refusal.message, { extensions: { code: 'RATE_LIMITED', retryAfterSeconds: refusal.retryAfterSeconds } })];
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          const message = (error as Error).message;
          return [new GraphQLError(`syntax error: ${message}`, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, rules);
        // Coded as on HTTP: GRAPHQL_VALIDATION_FAILED, unless the rule gave its own (QUERY_TOO_DEEP).
        if (errors.length) {
          return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes ?? null, extensions: { code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        try {
          assertCostWithin(schema, document, payload.variables ?? {}, payload.operationName, config.QUERY_COMPLEXITY_LIMIT);
        } catch (error) {
          const coded = error as { name?: string; message: string; extensions?: Record<string, unknown> };
          if (coded.name !== 'GraphQLError') throw error;
          const { http: _status, ...extensions } = coded.extensions ?? {};
          return [new GraphQLError(coded.message, { extensions })];
        }
        const args: Partial<ExecutionArgs> = { schema, document, variableValues: payload.variables ?? null, operationName: payload.operationName ?? null };
        return args as ExecutionArgs;
      },
      // A token revoked after connection_init fails each new operation with UNAUTHENTICATED.
      context: async (ctx) => createContext(app, await deps.principalFor(app, header(ctx.connectionParams)).catch(() => null), crypto.randomUUID()),
      // Open subscriptions re-check their token before delivering an event (at most once a second
      // per socket), so a revoked token stops receiving within a second: the socket closes (4403).
      onNext: async (ctx, _id, _payload, _args, result) => {
        if (Date.now() - (ctx.extra.tokenCheckedAt ?? 0) >= WS_TOKEN_RECHECK_MS) {
          if (!(await deps.principalFor(app, header(ctx.connectionParams)).then(() => true, () => false))) {
            ctx.extra.socket.close(4403, 'Forbidden: the API token is unknown or revoked');
            return { errors: [{ message: 'the API token is unknown or revoked', extensions: { code: 'UNAUTHENTICATED' } }] };
          }
          ctx.extra.tokenCheckedAt = Date.now();
        }
        const errors = (result as { errors?: readonly unknown[] }).errors;
        if (errors?.length) return { ...result, errors: format(errors) } as unknown as typeof result;
        return undefined;
      },
    },
    wsServer,
  );
  // ws itself closes a socket whose frame is too large (1009) or malformed (1002); graphql-ws would
  // also print the error to stderr. Log it as what it is: a client's fault, not ours.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => app.log.warn({ err: error }, 'WebSocket closed on a protocol error'));
  });
  return {
    dispose: () => cleanup.dispose(),
    close: () => wsServer.close(),
  };
}
