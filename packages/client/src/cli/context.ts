// What every command gets: its streams, the environment, and a lazily created client built from
// the global --url/--token flags, STRATUM_URL/STRATUM_TOKEN, or the stored login.
import type { Readable } from 'node:stream';
import { createClient, type StratumClient } from '../client.js';
import { configPath, interactive, resolveConnection, type Connection, type Env } from '../config.js';
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

  /** The resolved API URL and token, with where each came from. */
  connection(): Connection {
    const globals = this.globals();
    return resolveConnection({ flags: { url: globals.url, token: globals.token }, env: this.io.env });
  }

  client(): StratumClient {
    if (this.cached) return this.cached;
    const globals = this.globals();
    const connection = this.connection();
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
