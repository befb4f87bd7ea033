// Prometheus metrics served at GET /metrics (text exposition format). One registry per API
// instance, so several instances in one process (tests, the demo) never share series.
import { Counter, Gauge, Registry } from 'prom-client';
import type { ReplicaState } from '../replica/read-router.js';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly lag = new Gauge({ name: 'stratum_replica_lag_seconds', help: 'Replay lag of the read replica (DATABASE_READ_URL) at its last measurement; absent when unknown', registers: [this.registry] });
  private readonly behind = new Gauge({ name: 'stratum_replica_behind_bytes', help: 'WAL received by the read replica but not yet replayed', registers: [this.registry] });
  private readonly onReplica = new Gauge({ name: 'stratum_replica_reads', help: '1 while dashboard reads go to the replica, 0 while they go to the primary', registers: [this.registry] });
  private readonly fallbacks = new Counter({ name: 'stratum_replica_fallbacks_total', help: 'Times dashboard reads moved from the replica to the primary (lag above DATABASE_READ_MAX_LAG_MS or replica unreachable)', registers: [this.registry] });
  private fallbacksSeen = 0;

  replicaMeasured(state: ReplicaState): void {
    if (state.lagMs === null) this.lag.reset();
    else this.lag.set(state.lagMs / 1_000);
    if (state.behindBytes === null) this.behind.reset();
    else this.behind.set(state.behindBytes);
    this.onReplica.set(state.reads === 'replica' ? 1 : 0);
    if (state.fallbacks > this.fallbacksSeen) this.fallbacks.inc(state.fallbacks - this.fallbacksSeen);
    this.fallbacksSeen = state.fallbacks;
  }
}
