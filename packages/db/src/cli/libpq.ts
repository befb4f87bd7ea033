// Hands a database URL to pg_dump/pg_restore without its password on argv (visible in `ps`, and
// echoed by execFileSync's error on failure): the password goes through PGPASSWORD instead.

export interface LibpqTarget {
  /** The URL without its password, safe for argv and error messages. */
  url: string;
  /** The environment for the child: the caller's, plus PGPASSWORD when the URL had one. */
  env: NodeJS.ProcessEnv;
}

export function libpqTarget(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): LibpqTarget {
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new Error('the database URL is not a valid URL (expected postgresql://user:password@host:port/db)');
  }
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password ? { ...env, PGPASSWORD: password } : { ...env } };
}

/** The message of a failed child without anything that looks like a URL's credentials. */
export function failureWithoutSecrets(tool: string, error: unknown): string {
  const status = (error as { status?: number | null }).status;
  return `${tool} failed${status != null ? ` (exit status ${status})` : ''}; see its output above`;
}
