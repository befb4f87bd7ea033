// Where the CLI finds the API: flags, then STRATUM_URL / STRATUM_TOKEN, then the file written by
// `stratum login` ($XDG_CONFIG_HOME/stratum/config.json, else ~/.config/stratum/config.json,
// mode 0600 because it holds a bearer token). The only module that reads process.env.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { StratumError } from '../sdk/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

const url = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as http://localhost:4000')
  .transform((value) => value.replace(/\/+$/, ''));

const token = z.string().trim().min(1, 'must not be empty').regex(/^\S+$/, 'must not contain whitespace');

/** The stored file: written only by `stratum login`; unknown keys are refused, not ignored. */
export const storedConfigSchema = z.strictObject({ url, token: token.optional() });
export type StoredConfig = z.infer<typeof storedConfigSchema>;

export interface Connection {
  /** Base URL of the API without a trailing slash (the GraphQL endpoint is `${url}/graphql`). */
  url: string;
  /** Bearer token; null only for a server running in local-dev mode. */
  token: string | null;
  /** Where each value came from, for `stratum login --show` and error messages. */
  source: { url: 'flag' | 'env' | 'file' | 'local'; token: 'flag' | 'env' | 'file' | 'none' };
}

/** The directory `stratum login` writes to. */
export function configDir(env: Env = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'stratum');
}

export function configPath(env: Env = process.env, home?: string): string {
  return path.join(configDir(env, home), 'config.json');
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => {
    const where = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.join(', ')}`;
    return `${where}: ${issue.message}`;
  }).join('; ');
}

/** The stored config, or null when there is none. A malformed file is an error, never ignored. */
export function readStoredConfig(file: string): StoredConfig | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StratumError('CONFIG_ERROR', `cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StratumError('CONFIG_ERROR', `${file} is not valid JSON (${(error as Error).message}); run \`stratum login\` again`);
  }
  const parsed = storedConfigSchema.safeParse(json);
  if (!parsed.success) throw new StratumError('CONFIG_ERROR', `${file}: ${describeIssues(parsed.error)}; run \`stratum login\` again`);
  return parsed.data;
}

/**
 * Validates and stores the login. The file is created 0600 inside a 0700 directory and replaced
 * atomically (write a temporary file, then rename), so a token is never world-readable, not even
 * for an instant, and a crash never leaves half a file.
 */
export function saveLogin(input: { url: string; token?: string | undefined }, file: string): StoredConfig {
  const data = validateLogin(input);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(temporary, JSON.stringify(data, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    fs.chmodSync(temporary, 0o600); // the umask can only remove bits, but be explicit
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new StratumError('CONFIG_ERROR', `cannot write ${file}: ${(error as Error).message}`);
  }
  return data;
}

/** Checks a login without storing it (USAGE error naming the field). */
export function validateLogin(input: { url: string; token?: string | undefined }): StoredConfig {
  const parsed = storedConfigSchema.safeParse(input);
  if (!parsed.success) throw new StratumError('USAGE', `invalid login: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Nothing says where the API is (no flag, no STRATUM_URL, no stored login). */
export class NoApiUrlError extends StratumError {
  constructor(message: string) {
    super('CONFIG_ERROR', message);
  }
}

export interface ResolveOptions {
  /** --url / --token given on the command line. */
  flags?: { url?: string | undefined; token?: string | undefined };
  env?: Env;
  /** The config file to read; default configPath(env). */
  file?: string;
}

/** Flags override STRATUM_URL / STRATUM_TOKEN, which override the stored login. */
export function resolveConnection(options: ResolveOptions = {}): Connection {
  const env = options.env ?? process.env;
  const file = options.file ?? configPath(env);
  const flagUrl = options.flags?.url?.trim() || undefined;
  const flagToken = options.flags?.token?.trim() || undefined;
  const envUrl = env.STRATUM_URL?.trim() || undefined;
  const envToken = env.STRATUM_TOKEN?.trim() || undefined;
  // Read the file only when something is still missing, so a broken file does not block flags.
  const stored = (flagUrl ?? envUrl) && (flagToken ?? envToken) ? null : readStoredConfig(file);

  const rawUrl = flagUrl ?? envUrl ?? stored?.url;
  if (!rawUrl) {
    throw new NoApiUrlError(`no API URL: run \`stratum login --url <url> --token <token>\`, set STRATUM_URL, or pass --url (looked in ${file})`);
  }
  const urlSource = flagUrl ? 'flag' : envUrl ? 'env' : 'file';
  const checkedUrl = url.safeParse(rawUrl);
  if (!checkedUrl.success) throw new StratumError(urlSource === 'file' ? 'CONFIG_ERROR' : 'USAGE', `API URL from ${urlSource === 'env' ? 'STRATUM_URL' : urlSource === 'flag' ? '--url' : file}: ${checkedUrl.error.issues[0]?.message}`);

  const rawToken = flagToken ?? envToken ?? stored?.token;
  const tokenSource = flagToken ? 'flag' : envToken ? 'env' : stored?.token ? 'file' : 'none';
  if (rawToken !== undefined) {
    const checkedToken = token.safeParse(rawToken);
    if (!checkedToken.success) throw new StratumError('USAGE', `API token from ${tokenSource}: ${checkedToken.error.issues[0]?.message}`);
  }
  return { url: checkedUrl.data, token: rawToken ?? null, source: { url: urlSource, token: tokenSource } };
}

/** Whether stdout/stderr colour and redraws are wanted (NO_COLOR, CI, dumb terminals). */
export function interactive(stream: NodeJS.WriteStream, env: Env = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
}
