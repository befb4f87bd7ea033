// The API's configuration: every environment variable it reads, validated once at start-up.
// Defaults make `npm run demo` work with no configuration.
import { z } from 'zod';

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Unset → embedded PostgreSQL with data under STRATUM_DATA_DIR/postgres. */
  DATABASE_URL: z.string().url().optional(),
  /** Optional streaming replica for dashboard reads (series, grids, listings). */
  DATABASE_READ_URL: z.string().url().optional(),
  /** Replica lag above which dashboard reads go to the primary until it catches up. */
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().positive().default(5_000),
  /** How often the replica's replay lag is measured. */
  REPLICA_LAG_POLL_MS: z.coerce.number().int().positive().default(1_000),
  STRATUM_DATA_DIR: z.string().default('.stratum'),
  /** Local artifact store directory; default STRATUM_DATA_DIR/artifacts. */
  ARTIFACT_DIR: z.string().optional(),
  /** S3-compatible artifact store: set the bucket to use it instead of the local directory. */
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_PREFIX: z.string().default('artifacts/'),
  /** Uploads larger than one part go up in parts of this size (S3's minimum is 5 MiB). */
  S3_PART_SIZE: z.coerce.number().int().min(5 * 1024 ** 2).default(8 * 1024 ** 2),
  /** Attempts per S3 request (the SDK's standard retry strategy: 5xx, throttling, timeouts). */
  S3_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /** Secret mixed into token hashes; generated and kept in STRATUM_DATA_DIR when unset. */
  TOKEN_PEPPER: z.string().min(16).optional(),
  /** Accept requests without a token as ADMIN. Only honoured when bound to loopback. */
  STRATUM_LOCAL_DEV: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  BODY_LIMIT: z.string().default('16mb'),
  ARTIFACT_MAX_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  /** Bytes of artifacts one project may have uploaded (507 beyond it). */
  ARTIFACT_PROJECT_QUOTA_BYTES: z.coerce.number().int().positive().default(100 * 1024 ** 3),
  /** Unreferenced blobs are collected once every upload of them is this old. */
  ARTIFACT_GC_GRACE_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  /** How often each replica looks for unreferenced blobs. */
  ARTIFACT_GC_INTERVAL_MS: z.coerce.number().int().positive().default(15 * 60_000),
  MAX_PAGE_SIZE: z.coerce.number().int().positive().default(500),
  QUERY_DEPTH_LIMIT: z.coerce.number().int().positive().default(15), // standard introspection needs 14
  QUERY_COMPLEXITY_LIMIT: z.coerce.number().int().positive().default(20_000),
  /** Largest WebSocket frame accepted; a bigger one closes the socket (1009) unparsed. */
  WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().positive().default(1024 ** 2),
  /** Open WebSocket connections in total, and per token (anonymous local-dev counts as one). */
  WS_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1_000),
  WS_MAX_CONNECTIONS_PER_TOKEN: z.coerce.number().int().positive().default(50),
  /** Time a socket has to send connection_init before it is closed (4408). */
  WS_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Requests per window per token (READER, WRITER, ADMIN) or per address (anonymous); 0 = off. Per replica. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).default(1_000),
  /** Requests per window per AGENT token (an agent makes ~1–12 a second); 0 = off. Per replica. */
  RATE_LIMIT_AGENT_REQUESTS: z.coerce.number().int().min(0).default(2_000),
  /** The rate limits' window: a burst may use a whole window's requests at once. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(10),
  QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  // How long an idle keep-alive connection stays open: longer than a load balancer keeps its idle
  // connections to a replica (HAProxy, an AWS ALB's 60 s), so the balancer closes them, never the
  // API while the balancer is sending a request down one (that request would be cut mid-body).
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(65_000),
  LEASE_SECONDS: z.coerce.number().int().positive().default(60),
  REAPER_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  AGENT_LOST_AFTER_SECONDS: z.coerce.number().int().positive().default(120),
  BACKOFF_BASE_SECONDS: z.coerce.number().positive().default(5),
  BACKOFF_MAX_SECONDS: z.coerce.number().positive().default(600),
});

export type ApiConfig = z.infer<typeof schema>;

export class ConfigurationError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigurationError(`invalid API configuration: ${problems}`);
  }
  return parsed.data;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
