// A small client for the agent protocol: GraphQL over POST with the agent's token, artifact
// upload/download, retries with jittered exponential backoff on network failures, and typed
// errors carrying the server's extensions.code (LEASE_LOST, BAD_USER_INPUT, …).
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../logger.js';
import { sleep } from '../util.js';

/** An error the server returned (a GraphQL error, or an HTTP status with a reason). */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
  /** Whether sending the same request later may succeed (the server was overloaded or failed). */
  get transient(): boolean {
    return ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TOO_MANY_REQUESTS', 'INSUFFICIENT_STORAGE'].includes(this.code);
  }
}

/** The server could not be reached or did not answer (connection refused, reset, timeout). */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

export function isLeaseLost(error: unknown): boolean {
  return error instanceof ProtocolError && error.code === 'LEASE_LOST';
}

export function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ProtocolError && error.transient);
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

interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const STATUS_CODES: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  507: 'INSUFFICIENT_STORAGE',
};

function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? (status === 500 ? 'INTERNAL_SERVER_ERROR' : 'SERVICE_UNAVAILABLE') : 'BAD_REQUEST');
}

/** An artifact route's error: JSON { error: { code, message } }, else the status alone. */
function artifactError(what: string, status: number, text: string): ProtocolError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ProtocolError(body.error.code ?? codeForStatus(status), `${what}: ${body.error.message}`, status);
  } catch {
    // not JSON
  }
  return new ProtocolError(codeForStatus(status), `${what}: HTTP ${status} ${text.slice(0, 300)}`.trim(), status);
}

export class ProtocolClient {
  readonly api: string;
  private readonly token: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: ClientOptions) {
    this.api = options.api;
    this.token = options.token;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** One GraphQL request, retried on network failures and transient server errors. */
  async graphql<T>(query: string, variables: Record<string, unknown>, retry: RetryOptions = {}): Promise<T> {
    return this.withRetry(() => this.graphqlOnce<T>(query, variables, retry.signal), retry);
  }

  /**
   * Uploads a file to PUT /artifacts/<sha256> unless the store already has it (HEAD); returns
   * the server's JSON answer ({ sha256, bytes, uri, … }) or null when nothing was uploaded.
   */
  /** Uploads `file` as artifact `sha256` under the job the agent holds (the API refuses others). */
  async putArtifact(sha256: string, file: string, job: { jobId: string; fencingToken: string }, retry: RetryOptions = {}): Promise<Record<string, unknown> | null> {
    return this.withRetry(async () => {
      const head = await this.fetch(`/artifacts/${sha256}`, { method: 'HEAD' }, retry.signal, this.timeoutMs);
      if (head.ok) return null;
      if (head.status !== 404) throw artifactError(`HEAD /artifacts/${sha256}`, head.status, '');
      const bytes = fs.statSync(file).size;
      const response = await this.fetch(`/artifacts/${sha256}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream', 'content-length': String(bytes),
          'x-stratum-job': job.jobId, 'x-stratum-fencing-token': job.fencingToken,
        },
        body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit, retry.signal, Math.max(this.timeoutMs, 600_000));
      const text = await response.text();
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
      const response = await this.fetch(`/artifacts/${sha256}`, { method: 'GET' }, retry.signal, Math.max(this.timeoutMs, 600_000));
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        throw artifactError(`GET /artifacts/${sha256}`, response.status, text);
      }
      const tmp = `${file}.part`;
      try {
        await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), fs.createWriteStream(tmp));
      } catch (error) {
        fs.rmSync(tmp, { force: true });
        throw new NetworkError(`download of artifact ${sha256} broke off: ${(error as Error).message}`, { cause: error });
      }
      fs.renameSync(tmp, file);
    }, { label: 'getArtifact', ...retry });
  }

  private async graphqlOnce<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const response = await this.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }, signal, this.timeoutMs);
    let body: GraphQLBody<T>;
    try {
      body = (await response.json()) as GraphQLBody<T>;
    } catch (error) {
      if (response.status >= 500 || response.status === 429) throw new ProtocolError(codeForStatus(response.status), `HTTP ${response.status} from the API`, response.status);
      throw new NetworkError(`unreadable answer from the API (HTTP ${response.status}): ${(error as Error).message}`, { cause: error });
    }
    const first = body.errors?.[0];
    if (first) throw new ProtocolError(first.extensions?.code ?? codeForStatus(response.status), first.message, response.status);
    if (!response.ok) throw new ProtocolError(codeForStatus(response.status), `HTTP ${response.status} from the API`, response.status);
    if (body.data === undefined || body.data === null) throw new ProtocolError('BAD_RESPONSE', 'the API answered without data');
    return body.data;
  }

  private async fetch(pathname: string, init: RequestInit, signal: AbortSignal | undefined, timeoutMs: number): Promise<Response> {
    if (signal?.aborted) throw new AbortedError();
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await fetch(this.api + pathname, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.token}` },
        signal: combined,
      });
    } catch (error) {
      if (signal?.aborted) throw new AbortedError();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new NetworkError(`cannot reach the API at ${this.api}: ${detail}`, { cause: error });
    }
  }

  private async withRetry<T>(fn: () => Promise<T>, retry: RetryOptions): Promise<T> {
    const attempts = retry.attempts ?? 5;
    let delay = this.minDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isRetryable(error) || attempt >= attempts || retry.signal?.aborted) throw error;
        const wait = Math.min(this.maxDelayMs, delay) * (0.5 + Math.random() * 0.5);
        this.log.debug({ op: retry.label, attempt, waitMs: Math.round(wait), error: (error as Error).message }, 'API request failed; retrying');
        if (attempt === 3) this.log.warn({ op: retry.label, error: (error as Error).message }, 'API unreachable; still retrying');
        await sleep(wait, retry.signal);
        if (retry.signal?.aborted) throw new AbortedError();
        delay *= 2;
      }
    }
  }
}
