// The HTTP server: Apollo Server 5 on Express 5 for queries and mutations, graphql-ws on the
// same port for subscriptions, health endpoints, and the modules' extra routes.
import crypto from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { migrationStatus, readMigrations } from '@stratum/db';
import { isLoopback } from './env.js';
import { createContext, type AppServices, type Context } from './context.js';
import type { Principal } from './auth/tokens.js';
import { depthLimit } from './common/limits.js';
import { assertCostWithin } from './common/cost.js';
import { localDevGuard } from './origin-guard.js';
import { attachGraphqlWs } from './ws.js';
import { createRateLimits, rateLimitMiddleware } from './rate-limit.js';
import { routes } from './modules.js';

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'LEASE_LOST',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'TIMEOUT',
]);

export interface ApiServer {
  /** The Express application (driven in-process by the tests, through supertest). */
  app: express.Express;
  httpServer: http.Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export async function principalFor(app: AppServices, header: string | undefined): Promise<Principal | null> {
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token) {
    const principal = await app.tokens.authenticate(token);
    if (!principal) throw unauthenticated('the API token is unknown or revoked');
    return principal;
  }
  if (header) throw unauthenticated('malformed Authorization header; expected "Bearer stm_…"');
  if (localDevActive(app)) {
    return { tokenId: null, role: 'ADMIN', agentId: null, label: 'local-dev' };
  }
  throw unauthenticated('a valid API token is required (Authorization: Bearer stm_…)');
}

/** Local-dev mode: anonymous callers are ADMIN, so only loopback Host/Origin are served. */
export function localDevActive(app: AppServices): boolean {
  return app.config.STRATUM_LOCAL_DEV && isLoopback(app.config.HOST);
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Masks unexpected errors: clients see codes and messages meant for them, never SQL or stacks. */
export function formatError(app: AppServices) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    const original = (error as { originalError?: unknown })?.originalError as { name?: string; validationErrors?: unknown[] } | undefined;
    // type-graphql's argument validation error carries class-validator's results (in rc.4 under
    // extensions); report every violated constraint with its dotted input path, and never echo
    // the input back.
    const validation = original?.validationErrors ?? (formatted.extensions?.validationErrors as unknown[] | undefined);
    if (original?.name === 'ArgumentValidationError' || Array.isArray(validation)) {
      const details = flattenValidation((validation ?? []) as ValidationDetail[]);
      const message = details.map((d) => `${d.path}: ${d.messages.join(', ')}`).join('; ');
      return { message: `invalid input — ${message || formatted.message}`, path: formatted.path, extensions: { code: 'BAD_USER_INPUT', field: details[0]?.path, fields: details.map((d) => d.path) } };
    }
    if (code && KNOWN_CODES.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      // Apollo files every validation rule's error under GRAPHQL_VALIDATION_FAILED, overwriting
      // the rule's own code; our rules' codes (QUERY_TOO_DEEP) say more, so they are kept.
      const ruleCode = (original as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
      if (code === 'GRAPHQL_VALIDATION_FAILED' && typeof ruleCode === 'string' && KNOWN_CODES.has(ruleCode)) extensions.code = ruleCode;
      return { ...formatted, extensions };
    }
    app.log.error({ err: (original ?? error) as Error, path: formatted.path }, 'unexpected error');
    return { message: 'internal error (logged on the server)', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

interface ValidationDetail { property: string; constraints?: Record<string, string>; children?: ValidationDetail[] }

/** class-validator results as (dotted path, messages), nested inputs included. */
function flattenValidation(details: ValidationDetail[], prefix = ''): Array<{ path: string; messages: string[] }> {
  return details.flatMap((d) => {
    const path = prefix ? `${prefix}.${d.property}` : d.property;
    const own = d.constraints ? [{ path, messages: Object.values(d.constraints) }] : [];
    return [...own, ...flattenValidation(d.children ?? [], path)];
  });
}

function complexityPlugin(schema: GraphQLSchema, limit: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          assertCostWithin(schema, document, request.variables ?? {}, request.operationName, limit);
        },
      };
    },
  };
}

/** The read replica's state for /readyz (no host names: anonymous callers read it). */
function replicaDetail(app: AppServices): Record<string, unknown> | null {
  const state = app.reads.state();
  if (!state.configured) return null;
  return { reads: state.reads, lagMs: state.lagMs === null ? null : Math.round(state.lagMs), behindBytes: state.behindBytes, maxLagMs: app.config.DATABASE_READ_MAX_LAG_MS, reason: state.reason?.replace(/^replica unreachable: .*/, 'replica unreachable') ?? null, checkedAt: state.checkedAt, fallbacks: state.fallbacks };
}

export async function createApiServer(app: AppServices, schema: GraphQLSchema): Promise<ApiServer> {
  const server = express();
  server.disable('x-powered-by');
  // No ETag on responses: GraphQL answers POSTs, and hashing every body (megabytes for series) buys nothing.
  server.set('etag', false);
  const httpServer = http.createServer(server);
  httpServer.keepAliveTimeout = app.config.HTTP_KEEP_ALIVE_TIMEOUT_MS;

  if (localDevActive(app)) server.use(localDevGuard());
  server.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  // The migration files are read and hashed once; each probe is two small queries on the pool.
  const migrations = readMigrations();
  server.get('/readyz', async (_req, res) => {
    try {
      const status = await migrationStatus(app.pool, { migrations });
      if (!status.upToDate) return void res.status(503).json({ status: 'migrations pending', pending: status.pending });
      // A lagging or unreachable replica does not make this replica unready: its reads fall back to the primary.
      res.json({ status: 'ready', replica: replicaDetail(app) });
    } catch (error) {
      // The raw error (host, user, database names) goes to the log, not to anonymous callers.
      app.log.warn({ err: error as Error }, 'readiness probe: database unreachable');
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  server.get('/metrics', async (_req, res) => {
    res.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
  });
  const limits = createRateLimits(app.config);
  const limited = rateLimitMiddleware(limits, (header) => principalFor(app, header));
  for (const route of routes) server.use(route.path, limited, route.router(app));

  const ws = attachGraphqlWs(app, schema, httpServer, { principalFor, formatError: formatError(app), limits });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The CLI owns SIGINT/SIGTERM (it closes the API, then the database, then exits). Apollo's own
    // handlers would race it: stop() twice, then re-raise the signal into our handler, and the
    // process never exits.
    stopOnTerminationSignals: false,
    formatError: formatError(app),
    validationRules: [depthLimit(app.config.QUERY_DEPTH_LIMIT)],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      complexityPlugin(schema, app.config.QUERY_COMPLEXITY_LIMIT),
      { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
    ],
  });
  await apollo.start();
  server.use(
    '/graphql',
    limited,
    express.json({ limit: app.config.BODY_LIMIT }),
    expressMiddleware(apollo, {
      // The rate limiter authenticated the caller already; a bad token is refused here, with its reason.
      context: async ({ req, res }) => createContext(app, (res.locals.principal as Principal | null | undefined) ?? await principalFor(app, req.headers.authorization), crypto.randomUUID()),
    }),
  );
  // Body-parser errors (too large, malformed JSON) as GraphQL-shaped errors, not HTML.
  server.use((error: { type?: string; status?: number; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!error?.status) return next(error);
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(error.status).json({ errors: [{ message: error.type === 'entity.too.large' ? `request body exceeds ${app.config.BODY_LIMIT}` : `malformed request: ${error.message}`, extensions: { code } }] });
  });

  return {
    app: server,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: async () => {
      await apollo.stop();
      ws.close();
    },
  };
}
