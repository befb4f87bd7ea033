// Where dashboard reads go: the streaming replica (DATABASE_READ_URL) while its replay lag is at
// most DATABASE_READ_MAX_LAG_MS, else the primary until it catches up. The lag is measured every
// REPLICA_LAG_POLL_MS; an unreachable replica counts as too far behind. Reads that must see the
// caller's own writes never come here: services use `app.pool` for them (see context.ts).
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { measureReplicaLag } from './replica-lag.js';

export interface ReplicaState {
  /** True when DATABASE_READ_URL is set. */
  configured: boolean;
  /** Where dashboard reads go now. */
  reads: 'replica' | 'primary';
  lagMs: number | null;
  behindBytes: number | null;
  /** Why reads are on the primary although a replica is configured (null otherwise). */
  reason: string | null;
  checkedAt: Date | null;
  /** Times reads moved from the replica to the primary since start. */
  fallbacks: number;
}

export interface ReadRouterOptions {
  maxLagMs: number;
  pollMs: number;
  log: Logger;
  /** Called after every measurement (metrics). */
  onMeasured?: (state: ReplicaState) => void;
}

export class ReadRouter {
  private current: ReplicaState;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(private readonly primary: pg.Pool, private readonly replica: pg.Pool | null, private readonly options: ReadRouterOptions) {
    this.current = replica
      ? { configured: true, reads: 'primary', lagMs: null, behindBytes: null, reason: 'not measured yet', checkedAt: null, fallbacks: 0 }
      : { configured: false, reads: 'primary', lagMs: null, behindBytes: null, reason: null, checkedAt: null, fallbacks: 0 };
  }

  /** The pool for dashboard reads right now. */
  get pool(): pg.Pool {
    return this.replica && this.current.reads === 'replica' ? this.replica : this.primary;
  }

  state(): ReplicaState {
    return { ...this.current };
  }

  /** Measures once and routes by the result. */
  async poll(): Promise<void> {
    if (!this.replica) return;
    let next: Pick<ReplicaState, 'reads' | 'lagMs' | 'behindBytes' | 'reason'>;
    try {
      const lag = await measureReplicaLag(this.replica);
      if (lag.lagMs === null) next = { reads: 'primary', lagMs: null, behindBytes: lag.behindBytes, reason: 'replica lag unknown (no transaction replayed yet)' };
      else if (lag.lagMs > this.options.maxLagMs) next = { reads: 'primary', lagMs: lag.lagMs, behindBytes: lag.behindBytes, reason: `replica ${Math.round(lag.lagMs)} ms behind (limit ${this.options.maxLagMs} ms)` };
      else next = { reads: 'replica', lagMs: lag.lagMs, behindBytes: lag.behindBytes, reason: null };
    } catch (error) {
      next = { reads: 'primary', lagMs: null, behindBytes: null, reason: `replica unreachable: ${(error as Error).message}` };
    }
    const before = this.current.reads;
    const fallbacks = this.current.fallbacks + (before === 'replica' && next.reads === 'primary' ? 1 : 0);
    this.current = { configured: true, ...next, checkedAt: new Date(), fallbacks };
    if (before !== next.reads) {
      if (next.reads === 'primary') this.options.log.warn({ lagMs: next.lagMs, reason: next.reason }, 'dashboard reads moved to the primary');
      else this.options.log.info({ lagMs: next.lagMs }, 'dashboard reads back on the replica');
    }
    this.options.onMeasured?.(this.state());
  }

  /** Polls every pollMs, never overlapping itself. */
  start(): void {
    if (!this.replica || this.timer) return;
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.poll().finally(() => (this.polling = null));
    }, this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }
}
