// The HTTP server: Apollo Server 5 on Express 5 for queries and mutations, graphql-ws on the
// same port for subscriptions, health endpoints, and the modules' extra routes.
import crypto from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { getComplexity, simpleEstimator, fieldExtensionsEstimator } from 'graphql-query-complexity';
import { migrationStatus, readMigrations } from '@stratum/db';
import { isLoopback } from './env.js';
import { createContext, type AppServices, type Context } from './context.js';
import type { Principal } from './auth/tokens.js';
import { depthLimit } from './common/limits.js';
import { routes } from './modules.js';

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'LEASE_LOST',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'TIMEOUT',
]);

/** How often an open subscription's socket re-checks its token (revocation takes effect within this). */
const WS_TOKEN_RECHECK_MS = 1_000;

export interface ApiServer {
  httpServer: http.Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

async function principalFor(app: AppServices, header: string | undefined): Promise<Principal | null> {
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token) {
    const principal = await app.tokens.authenticate(token);
    if (!principal) throw unauthenticated('the API token is unknown or revoked');
    return principal;
  }
  if (header) throw unauthenticated('malformed Authorization header; expected "Bearer stm_…"');
  if (app.config.STRATUM_LOCAL_DEV && isLoopback(app.config.HOST)) {
    return { tokenId: null, role: 'ADMIN', agentId: null, label: 'local-dev' };
  }
  throw unauthenticated('a valid API token is required (Authorization: Bearer stm_…)');
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

/**
 * The cost is computed before execution coerces the variables, so a variable of the wrong type
 * (`first: "x"`) surfaces here first, as an uncoded GraphQLError: the client's mistake (400
 * BAD_USER_INPUT naming the variable), not an internal error.
 */
function withBadVariablesAsInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    // By name, not instanceof: a second copy of graphql (CJS next to ESM) makes a different class.
    const coded = error as { name?: string; message?: string; extensions?: { code?: unknown } } | null;
    if (coded?.name === 'GraphQLError' && !coded.extensions?.code) throw new GraphQLError(coded.message ?? 'invalid variables', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    throw error;
  }
}

function complexityPlugin(schema: GraphQLSchema, limit: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = withBadVariablesAsInput(() => getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            ...(request.operationName ? { operationName: request.operationName } : {}),
            estimators: [
              fieldExtensionsEstimator(),
              // Lists multiply what is selected under them by the page size asked for.
              ({ args, childComplexity }) => {
                const n = [args.first, args.last, args.limit, args.maxPoints].find((v) => typeof v === 'number') as number | undefined;
                return n === undefined ? undefined : 1 + Math.min(n, 10_000) * Math.max(childComplexity, 1) / 10;
              },
              simpleEstimator({ defaultComplexity: 1 }),
            ],
          }));
          if (complexity > limit) {
            throw new GraphQLError(`query cost ${Math.round(complexity)} exceeds the limit of ${limit}; ask for fewer items or fields`, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
          }
        },
      };
    },
  };
}

export async function createApiServer(app: AppServices, schema: GraphQLSchema): Promise<ApiServer> {
  const server = express();
  server.disable('x-powered-by');
  const httpServer = http.createServer(server);

  server.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  // The migration files are read and hashed once; each probe is two small queries on the pool.
  const migrations = readMigrations();
  server.get('/readyz', async (_req, res) => {
    try {
      const status = await migrationStatus(app.pool, { migrations });
      if (!status.upToDate) return void res.status(503).json({ status: 'migrations pending', pending: status.pending });
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'database unreachable', error: (error as Error).message });
    }
  });
  for (const route of routes) server.use(route.path, route.router(app));

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsHeader = (params: Record<string, unknown> | undefined) => (params?.authorization ?? params?.Authorization) as string | undefined;
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      // A socket without a valid token is refused at connection_init (4403 Forbidden); a token
      // revoked after that fails each new subscription with UNAUTHENTICATED (principal null),
      // rather than as an internal error (4500) with a stack trace on stderr.
      onConnect: async (ctx) => principalFor(app, wsHeader(ctx.connectionParams)).then(() => true, () => false),
      context: async (ctx) => createContext(app, await principalFor(app, wsHeader(ctx.connectionParams)).catch(() => null), crypto.randomUUID()),
      // Open subscriptions re-check their token before delivering an event (at most once a second
      // per socket), so a revoked token stops receiving within a second: the socket closes (4403).
      onNext: async (ctx) => {
        const extra = ctx.extra as typeof ctx.extra & { tokenCheckedAt?: number };
        if (Date.now() - (extra.tokenCheckedAt ?? 0) < WS_TOKEN_RECHECK_MS) return;
        if (await principalFor(app, wsHeader(ctx.connectionParams)).then(() => true, () => false)) {
          extra.tokenCheckedAt = Date.now();
          return;
        }
        extra.socket.close(4403, 'Forbidden: the API token is unknown or revoked');
        return { errors: [{ message: 'the API token is unknown or revoked', extensions: { code: 'UNAUTHENTICATED' } }] };
      },
    },
    wsServer,
  );

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
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();
  server.use(
    '/graphql',
    express.json({ limit: app.config.BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(app, await principalFor(app, req.headers.authorization), crypto.randomUUID()),
    }),
  );
  // Body-parser errors (too large, malformed JSON) as GraphQL-shaped errors, not HTML.
  server.use((error: { type?: string; status?: number; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!error?.status) return next(error);
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(error.status).json({ errors: [{ message: error.type === 'entity.too.large' ? `request body exceeds ${app.config.BODY_LIMIT}` : `malformed request: ${error.message}`, extensions: { code } }] });
  });

  return {
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
      wsServer.close();
    },
  };
}
