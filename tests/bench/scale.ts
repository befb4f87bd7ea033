// Scale-out: the bench:load driver (load.ts) through HAProxy in front of 1, 2 and 3 API replicas
// of one topology (tests/scale/topology.ts: PostgreSQL primary + streaming replica read through
// DATABASE_READ_URL), each stage on the same machine in the same run, then a failover stage: 3
// replicas, one killed -9 halfway through and restarted. The replica's lag is sampled from every
// API's /metrics throughout.
//
//   npm run bench:scale                                  (20 s per stage, 16 agents, 8 readers)
//   SCALE_SECONDS=10 LOAD_AGENTS=8 LOAD_READERS=4 npm run bench:scale
import { pathToFileURL } from 'node:url';
import { formatResult, runLoad, summarize, type LoadResult } from './load.js';
import { startBalancer } from '../support/haproxy.js';
import { PEPPER, startTopology, topologyUnavailable, type Topology } from '../scale/topology.js';

const say = (line: string) => process.stderr.write(line + '\n');

function number(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** Samples every running API's replica lag (ms) every 250 ms until stopped. */
function sampleLag(t: Topology): { stop(): number[] } {
  const samples: number[] = [];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      for (const api of t.apis) {
        if (!api) continue;
        const text = await fetch(`${api.url}/metrics`).then((r) => r.text(), () => '');
        const line = text.split('\n').find((l) => l.startsWith('stratum_replica_lag_seconds '));
        if (line) samples.push(Number(line.split(' ')[1]) * 1_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return { stop: () => ((stopped = true), samples) };
}

async function stage(t: Topology, replicas: number, seconds: number, during?: () => Promise<void>): Promise<LoadResult> {
  const balancer = await startBalancer(t.ports.slice(0, replicas));
  try {
    say(`scale: ${replicas} API replica(s) behind ${balancer.url}`);
    const load = runLoad({
      seconds, agents: number('LOAD_AGENTS', 16), readers: number('LOAD_READERS', 8), intervalMs: number('LOAD_INTERVAL_MS', 100), stepsPerSend: number('LOAD_STEPS_PER_SEND', 10),
      databaseUrl: t.databaseUrl, target: { url: balancer.url, pepper: PEPPER }, progress: say,
    });
    await during?.();
    return await load;
  } finally {
    await balancer.stop();
  }
}

const agentOps = ['logMetrics', 'logMetrics (replay)', 'heartbeat', 'completeJob'];
const agentErrors = (r: LoadResult) => agentOps.reduce((n, op) => n + (r.errorsByOp[op] ?? 0), 0);

async function main(): Promise<void> {
  const missing = topologyUnavailable();
  if (missing) throw new Error(`bench:scale needs ${missing}`);
  const seconds = number('SCALE_SECONDS', 20);
  const t = await startTopology({ replicas: 3 });
  const lag = sampleLag(t);
  try {
    const results = new Map<number, LoadResult>();
    for (const replicas of [1, 2, 3]) {
      const result = await stage(t, replicas, seconds);
      results.set(replicas, result);
      for (const line of formatResult(result).slice(0, -1)) process.stdout.write(`[${replicas} replica${replicas > 1 ? 's' : ''}] ${line}\n`);
    }
    // Failover: kill -9 replica 1 halfway, restart it at once on its port.
    const failover = await stage(t, 3, seconds, async () => {
      await new Promise((resolve) => setTimeout(resolve, (seconds * 1_000) / 2));
      say('scale: kill -9 of API replica 1');
      await t.kill(1);
      await t.restart(1);
      say('scale: API replica 1 restarted');
    });
    for (const line of formatResult(failover).slice(0, -1)) process.stdout.write(`[failover] ${line}\n`);
    const lagMs = summarize(lag.stop());

    const single = results.get(1)!;
    const best = [...results.entries()].filter(([n]) => n > 1).sort((a, b) => b[1].pointsPerSecond - a[1].pointsPerSecond)[0]!;
    const steady = [...results.values()];
    const errors = steady.reduce((n, r) => n + r.errors, 0);
    const lost = [...steady, failover].reduce((n, r) => n + r.lost, 0);
    const duplicated = [...steady, failover].reduce((n, r) => n + r.duplicated + r.wrongValues + r.rollupMismatches, 0);
    process.stdout.write(`\nreplicas  points/s   p50 ms   p95 ms   p99 ms   errors   ratio\n`);
    for (const [n, r] of results) {
      process.stdout.write(`${String(n).padStart(8)} ${Math.round(r.pointsPerSecond).toString().padStart(9)} ${r.all.p50.toFixed(1).padStart(8)} ${r.all.p95.toFixed(1).padStart(8)} ${r.all.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)} ${(r.pointsPerSecond / single.pointsPerSecond).toFixed(2).padStart(7)}\n`);
    }
    process.stdout.write(`failover (3 replicas, one killed -9): ${Math.round(failover.pointsPerSecond)} points/s, agent requests failed and retried ${agentErrors(failover)}, reader requests failed ${failover.errors - agentErrors(failover)}, lost ${failover.lost}, duplicated ${failover.duplicated}\n`);
    process.stdout.write(`replica lag over ${lagMs.count} samples: p50 ${lagMs.p50.toFixed(1)} ms, p99 ${lagMs.p99.toFixed(1)} ms, max ${lagMs.max.toFixed(1)} ms\n`);
    // Agents retry logMetrics until acknowledged and make up a missed heartbeat with the next one, so
    // a failed request is a retry; an error an agent is left with is a batch never acknowledged (the
    // driver throws) or a point lost.
    const seenByAgents = failover.lost + failover.duplicated;
    process.stdout.write(`RESULT scale replicas=${best[0]} points_per_s=${Math.round(best[1].pointsPerSecond)} single_points_per_s=${Math.round(single.pointsPerSecond)} ratio=${(best[1].pointsPerSecond / single.pointsPerSecond).toFixed(2)} p99_ms=${best[1].all.p99.toFixed(1)} single_p99_ms=${single.all.p99.toFixed(1)} errors=${errors} lost=${lost} duplicated=${duplicated} failover_errors_seen_by_agents=${seenByAgents} failover_retries=${agentErrors(failover)} replica_lag_ms_p99=${lagMs.p99.toFixed(1)}\n`);
    process.exitCode = errors === 0 && lost === 0 && duplicated === 0 && seenByAgents === 0 ? 0 : 1;
  } finally {
    lag.stop();
    await t.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
