// What every command gets: its streams, the environment, and a lazily created client built from
// the global --url/--token flags, STRATUM_URL/STRATUM_TOKEN, or the stored login.
import type { Readable } from 'node:stream';
import { createClient, type StratumClient } from '../sdk/client.js';
import { configPath, interactive, NoApiUrlError, resolveConnection, type Connection, type Env } from './config.js';
import { LOCAL_API_URL, localDevApiAnswers } from './local-api.js';
import type { OutStream } from './output.js';

export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: Readable;
  env: Env;
}

export interface GlobalOptions {
  url?: string;
  token?: string;
  verbose?: boolean;
  progress?: boolean;
  requestTimeout?: string;
}

export class CliContext {
  private cached: StratumClient | undefined;
  private resolved: Connection | undefined;
  /** What the process exits with once the command returns (commands raise it, e.g. to 1). */
  exitCode: number = 0;

  constructor(readonly io: CliIO, private readonly globals: () => GlobalOptions) {}

  globalOptions(): GlobalOptions {
    return this.globals();
  }

  get env(): Env {
    return this.io.env;
  }

  get configFile(): string {
    return configPath(this.io.env);
  }

  /** Whether progress bars and redraws may be drawn on stderr. */
  get showProgress(): boolean {
    return this.globals().progress !== false && interactive(this.io.stderr as NodeJS.WriteStream, this.io.env);
  }

  /**
   * The resolved API URL and token, with where each came from. With nothing configured, a local
   * API in local-dev mode (the demo's, or $STRATUM_LOCAL_URL) is used when one answers, and
   * stderr says so; otherwise the "no API URL" error stands.
   */
  async connection(): Promise<Connection> {
    if (this.resolved) return this.resolved;
    const globals = this.globals();
    try {
      this.resolved = resolveConnection({ flags: { url: globals.url, token: globals.token }, env: this.io.env });
    } catch (error) {
      const local = (this.io.env.STRATUM_LOCAL_URL?.trim() || LOCAL_API_URL).replace(/\/+$/, '');
      if (!(error instanceof NoApiUrlError) || !(await localDevApiAnswers(local))) throw error;
      this.err(`stratum: no API configured; using the local API at ${local} (local-dev mode, no token). Run \`stratum login\` or set STRATUM_URL for another.\n`);
      this.resolved = { url: local, token: null, source: { url: 'local', token: 'none' } };
    }
    return this.resolved;
  }

  async client(): Promise<StratumClient> {
    if (this.cached) return this.cached;
    const globals = this.globals();
    const connection = await this.connection();
    const timeoutSeconds = globals.requestTimeout === undefined ? undefined : Number(globals.requestTimeout);
    this.cached = createClient({
      url: connection.url,
      token: connection.token,
      ...(timeoutSeconds !== undefined && Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      onRetry: ({ operation, attempt, delayMs, error }) => {
        if (globals.verbose) this.err(`retry ${attempt} of ${operation} in ${delayMs} ms: ${error.message}\n`);
      },
    });
    return this.cached;
  }

  async close(): Promise<void> {
    await this.cached?.close();
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }
}
