// The dashboard's server-side configuration: the only module that reads process.env.
// `server-only` makes importing it from a client component a build error, so no secret can
// reach a browser bundle.
//
// Two modes:
//  - login (the default): a person signs in with their own API token, kept in a sealed session
//    cookie; SESSION_SECRET is required and the server holds no API token of its own.
//  - local-dev (STRATUM_LOCAL_DEV=1, loopback only): no sign-in needed; requests without a session
//    use STRATUM_API_TOKEN (or none, against an API that is itself in local-dev mode), and only
//    loopback Host and Origin headers are served.
import 'server-only';
import crypto from 'node:crypto';
import { z } from 'zod';

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const schema = z.object({
  /** Where the Stratum API listens (its /graphql endpoint is derived from this). */
  STRATUM_API_URL: z.string().url().default('http://127.0.0.1:4000'),
  /** Upper bound on one API call from the dashboard's server, in milliseconds. */
  STRATUM_API_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** No-login mode for one person on this machine; refused unless bound to loopback. */
  STRATUM_LOCAL_DEV: bool.default(false),
  /** Local-dev only: the token used for requests without a session (unset: the API's local-dev ADMIN). */
  STRATUM_API_TOKEN: z.string().regex(/^\S+$/, 'must be a single token without spaces').optional(),
  /** Seals the session cookie (iron-session); ≥ 32 characters. Generated per process in local-dev. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  /** How long a sign-in lasts, in seconds. */
  SESSION_TTL_SECONDS: z.coerce.number().int().min(300).default(12 * 3600),
  /** The address Next's standalone server binds to (checked in local-dev mode). */
  HOSTNAME: z.string().optional(),
});

export interface WebConfig {
  STRATUM_API_URL: string;
  STRATUM_API_TIMEOUT_MS: number;
  STRATUM_LOCAL_DEV: boolean;
  STRATUM_API_TOKEN: string | undefined;
  SESSION_SECRET: string;
  SESSION_TTL_SECONDS: number;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

// One generated secret per process, shared by every bundle Next loads in it (the proxy and the
// app routes are separate module graphs).
const GENERATED = Symbol.for('stratum.web.generatedSessionSecret');

function generatedSecret(): string {
  const holder = globalThis as unknown as Record<symbol, string | undefined>;
  holder[GENERATED] ??= crypto.randomBytes(32).toString('hex');
  return holder[GENERATED];
}

let cached: WebConfig | undefined;

export function webConfig(): WebConfig {
  if (cached) return cached;
  const raw = Object.fromEntries(
    Object.keys(schema.shape).flatMap((key) => {
      const value = process.env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (parsed.success) {
    const c = parsed.data;
    if (c.STRATUM_LOCAL_DEV) {
      if (c.HOSTNAME && !isLoopback(c.HOSTNAME.replace(/^\[|\]$/g, ''))) problems.push(`STRATUM_LOCAL_DEV: local-dev mode needs no sign-in and is only allowed on a loopback HOSTNAME, not ${c.HOSTNAME}`);
    } else {
      if (!c.SESSION_SECRET) problems.push('SESSION_SECRET: required to seal sign-in sessions (e.g. openssl rand -hex 32), unless STRATUM_LOCAL_DEV=1 on loopback');
      if (c.STRATUM_API_TOKEN) problems.push('STRATUM_API_TOKEN: the dashboard acts with each person\'s own token; a server token is only used in local-dev mode (STRATUM_LOCAL_DEV=1)');
    }
  }
  if (!parsed.success || problems.length) throw new Error(`invalid dashboard configuration: ${problems.join('; ')}`);
  const c = parsed.data;
  cached = {
    STRATUM_API_URL: c.STRATUM_API_URL.replace(/\/+$/, ''),
    STRATUM_API_TIMEOUT_MS: c.STRATUM_API_TIMEOUT_MS,
    STRATUM_LOCAL_DEV: c.STRATUM_LOCAL_DEV,
    STRATUM_API_TOKEN: c.STRATUM_API_TOKEN,
    SESSION_SECRET: c.SESSION_SECRET ?? generatedSecret(),
    SESSION_TTL_SECONDS: c.SESSION_TTL_SECONDS,
  };
  return cached;
}
