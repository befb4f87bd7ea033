// The demo talks to its API in a loop for as long as a sweep runs. One failed request (the API
// busy in a long transaction, a restart, a blip) must not end the demo: failures are retried with
// exponential backoff and reported, and only an API that has not answered for a sustained period
// ends it.

export interface RetryOptions {
  /** One line per failure and one on recovery. */
  print: (line: string) => void;
  /** Give up once requests have failed for this long with no success in between (default 60 s). */
  giveUpAfterMs?: number;
  /** First wait after a failure (default 1 s); doubles per failure up to maxDelayMs (default 8 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/** What failed, with the network cause when there is one ("fetch failed (ECONNREFUSED)"). */
export function describeFailure(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message;
  return detail && !message.includes(detail) ? `${message} (${detail})` : message;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Retries calls to the API; one instance per loop, so a streak of failures spans calls. */
export class ApiRetry {
  private failingSince: number | null = null;
  private failures = 0;
  private readonly giveUpAfterMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: RetryOptions) {
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 8000;
  }

  /** `fn`'s result once it succeeds; throws when the API has failed for giveUpAfterMs, or on abort. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await fn();
        if (this.failingSince !== null) {
          this.options.print(`API answering again after ${seconds(Date.now() - this.failingSince)} (${this.failures} failed ${this.failures === 1 ? 'request' : 'requests'})`);
          this.failingSince = null;
          this.failures = 0;
        }
        return result;
      } catch (error) {
        if (this.options.signal?.aborted) throw error;
        this.failingSince ??= Date.now();
        this.failures++;
        const down = Date.now() - this.failingSince;
        if (down >= this.giveUpAfterMs) {
          throw new Error(`the API has not answered for ${seconds(down)} (${what}: ${describeFailure(error)}); giving up`, { cause: error });
        }
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.failures - 1), this.giveUpAfterMs - down);
        this.options.print(`${what} failed: ${describeFailure(error)}; retrying in ${seconds(delay)} (the demo stops if the API stays silent for ${seconds(this.giveUpAfterMs)})`);
        await sleep(delay, this.options.signal);
        if (this.options.signal?.aborted) throw error;
      }
    }
  }
}
