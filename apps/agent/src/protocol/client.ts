// The agent's connection to the API, over @stratum/wire: GraphQL with the agent's token,
// artifact upload/download, and the agent's retry policy. Its writes are fenced and idempotent,
// so besides network failures it also retries the server's own failures (500, 503, 429, 507).
// Every failure is a StratumError carrying the server's code (LEASE_LOST, BAD_USER_INPUT, …).
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { graphqlEndpoint, hasCode, open, postGraphQL, send, StratumError, withRetry, type TypedOperation } from '@stratum/wire';
import type { Logger } from '../logger.js';

/** Codes the server answers while it is overloaded or failing: sending again later may succeed. */
const SERVER_FAILURES = ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TOO_MANY_REQUESTS', 'INSUFFICIENT_STORAGE'];

export function isLeaseLost(error: unknown): boolean {
  return hasCode(error, 'LEASE_LOST');
}

/** The agent stopped waiting (its signal aborted). */
export function isAborted(error: unknown): boolean {
  return hasCode(error, 'ABORTED');
}

/** Whether sending the same request later may succeed. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof StratumError)) return false;
  if (error.transient || SERVER_FAILURES.includes(error.code)) return true;
  return error.code === 'HTTP_ERROR' && (error.status === 429 || error.status === 507 || (error.status ?? 0) >= 500);
}

/** The API refused what was sent as invalid: sending it again would be refused again. */
export function isRefused(error: unknown): boolean {
  return hasCode(error, 'BAD_USER_INPUT');
}

/** The API refused the agent's token (or its role). */
export function isUnauthorized(error: unknown): error is StratumError {
  return hasCode(error, 'UNAUTHENTICATED', 'FORBIDDEN') || (hasCode(error, 'HTTP_ERROR') && (error.status === 401 || error.status === 403));
}

export interface RetryOptions {
  /** Attempts in all (Infinity: until it succeeds, fails permanently, or `signal` aborts). */
  attempts?: number;
  signal?: AbortSignal;
  /** Operation name for logs. */
  label?: string;
}

export interface ClientOptions {
  api: string;
  token: string;
  log: Logger;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Backoff bounds between retries. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** An artifact route's error: JSON { error: { code, message } }, else the status alone. */
function artifactError(what: string, status: number, text: string): StratumError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new StratumError(body.error.code ?? 'HTTP_ERROR', `${what}: ${body.error.message}`, { status });
  } catch {
    // not JSON
  }
  return new StratumError('HTTP_ERROR', `${what}: HTTP ${status} ${text.slice(0, 300)}`.trim(), { status });
}

export class ProtocolClient {
  readonly api: string;
  private readonly endpoint: string;
  private readonly token: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: ClientOptions) {
    this.api = options.api;
    this.endpoint = graphqlEndpoint(options.api);
    this.token = options.token;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** One generated operation, retried on network failures and transient server errors. */
  async request<TResult, TVariables>(operation: TypedOperation<TResult, TVariables>, variables: TVariables, retry: RetryOptions = {}): Promise<TResult> {
    const query = operation.toString();
    return this.withRetry(async () => (await postGraphQL(this.endpoint, { query, variables }, this.sendOptions(retry.signal, this.timeoutMs))) as TResult, retry);
  }

  /** Uploads `file` as artifact `sha256` under the job the agent holds (the API refuses others); null when the store already had it. */
  async putArtifact(sha256: string, file: string, job: { jobId: string; fencingToken: string }, retry: RetryOptions = {}): Promise<Record<string, unknown> | null> {
    const url = `${this.api}/artifacts/${sha256}`;
    return this.withRetry(async () => {
      const head = await send(url, { method: 'HEAD' }, this.sendOptions(retry.signal, this.timeoutMs));
      if (head.response.ok) return null;
      if (head.response.status !== 404) throw artifactError(`HEAD /artifacts/${sha256}`, head.response.status, '');
      const bytes = fs.statSync(file).size;
      const { response, text } = await send(url, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream', 'content-length': String(bytes),
          'x-stratum-job': job.jobId, 'x-stratum-fencing-token': job.fencingToken,
        },
        body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit, this.sendOptions(retry.signal, Math.max(this.timeoutMs, 600_000)));
      if (!response.ok) throw artifactError(`PUT /artifacts/${sha256}`, response.status, text);
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return {};
      }
    }, { label: 'putArtifact', ...retry });
  }

  /** Downloads GET /artifacts/<sha256> into `file` (written whole, then renamed into place). */
  async getArtifact(sha256: string, file: string, retry: RetryOptions = {}): Promise<void> {
    await this.withRetry(async () => {
      const { response, failure } = await open(`${this.api}/artifacts/${sha256}`, { method: 'GET' }, this.sendOptions(retry.signal, Math.max(this.timeoutMs, 600_000)));
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        throw artifactError(`GET /artifacts/${sha256}`, response.status, text);
      }
      const tmp = `${file}.part`;
      try {
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), fs.createWriteStream(tmp));
      } catch (error) {
        fs.rmSync(tmp, { force: true });
        const broken = failure(error, 'body');
        throw new StratumError(broken.code, `download of artifact ${sha256} broke off: ${broken.message}`, { cause: error });
      }
      fs.renameSync(tmp, file);
    }, { label: 'getArtifact', ...retry });
  }

  private sendOptions(signal: AbortSignal | undefined, timeoutMs: number) {
    return { token: this.token, timeoutMs, ...(signal ? { signal } : {}) };
  }

  private withRetry<T>(attempt: () => Promise<T>, retry: RetryOptions): Promise<T> {
    return withRetry(attempt, {
      retries: (retry.attempts ?? 5) - 1,
      baseDelayMs: this.minDelayMs,
      maxDelayMs: this.maxDelayMs,
      shouldRetry: isRetryable,
      ...(retry.signal ? { signal: retry.signal } : {}),
      onRetry: ({ attempt, delayMs, error }) => {
        this.log.debug({ op: retry.label, attempt, waitMs: delayMs, error: error.message }, 'API request failed; retrying');
        if (attempt === 3) this.log.warn({ op: retry.label, error: error.message }, 'API unreachable; still retrying');
      },
    });
  }
}
