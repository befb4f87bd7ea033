// The dashboard's server-side configuration: the only module that reads process.env.
// `server-only` makes importing it from a client component a build error, so the API token
// can never reach a browser bundle.
import 'server-only';
import { z } from 'zod';

const schema = z.object({
  /** Where the Stratum API listens (its /graphql endpoint is derived from this). */
  STRATUM_API_URL: z.string().url().default('http://127.0.0.1:4000'),
  /** Bearer token the dashboard's server uses; unset when the API runs in local-dev mode. */
  STRATUM_API_TOKEN: z.string().regex(/^\S+$/, 'must be a single token without spaces').optional(),
  /** Upper bound on one API call from the dashboard's server, in milliseconds. */
  STRATUM_API_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

export type WebConfig = z.infer<typeof schema>;

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
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid dashboard configuration: ${problems}`);
  }
  cached = { ...parsed.data, STRATUM_API_URL: parsed.data.STRATUM_API_URL.replace(/\/+$/, '') };
  return cached;
}
