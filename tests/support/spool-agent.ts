// An agent made of the daemon's own parts (@stratum/agent: ProtocolClient, AgentProtocol, Spool,
// MetricsPipeline) without the trainer: it registers, claims a job, heartbeats, and logs metric
// points through the fsync'd spool exactly as a real agent does — so a fault test controls when
// points are produced and can "restart" the agent by reopening its spool from disk.
import fs from 'node:fs';
import path from 'node:path';
import { AgentProtocol, createLogger, MetricsPipeline, ProtocolClient, Spool, type Lease, type MetricPoint } from '@stratum/agent';

export interface SpoolAgentOptions {
  api: string;
  token: string;
  name: string;
  workDir: string;
  labels?: Record<string, string>;
  /** Points per batch and the longest a point waits for its batch. */
  batchPoints?: number;
  batchMs?: number;
}

/** The points of one training step: a few whole-model series, values a function of (key, step). */
export const STEP_KEYS = ['loss', 'lr', 'grad_norm'] as const;
export function stepValue(seed: number, key: number, step: number): number {
  return Math.cos(step * 0.05 + key) * Math.exp(-step / 2_000) + seed;
}

export class SpoolAgent {
  readonly logLines: string[] = [];
  readonly protocol: AgentProtocol;
  private pipeline: MetricsPipeline | null = null;
  private spool: Spool | null = null;
  lease: Lease | null = null;
  runId: string | null = null;
  agentId: string | null = null;
  /** Steps pushed so far (0 … nextStep − 1). */
  nextStep = 0;
  leaseLost: Error | null = null;

  constructor(readonly options: SpoolAgentOptions, readonly seed: number) {
    const log = createLogger('debug', { agent: options.name }, { write: (line: string) => void this.logLines.push(line) });
    this.protocol = new AgentProtocol(new ProtocolClient({ api: options.api, token: options.token, log, timeoutMs: 3_000, minDelayMs: 50, maxDelayMs: 400 }));
  }

  get spoolFile(): string {
    return path.join(this.options.workDir, 'spool.jsonl');
  }

  /** Registers and claims a job; throws when there is none. */
  async claim(): Promise<Lease> {
    this.agentId = (await this.protocol.registerAgent({ name: this.options.name, host: 'fault-host', devices: [], backends: ['cpu'], labels: this.options.labels ?? {}, version: 'test' })).id;
    const claimed = await this.protocol.claimJob(this.agentId, { backends: ['cpu'], devices: [], labels: this.options.labels ?? {}, gpu: false });
    if (!claimed) throw new Error(`${this.options.name}: no job to claim`);
    this.lease = { jobId: claimed.jobId, fencingToken: claimed.fencingToken };
    this.runId = claimed.runId;
    this.open();
    return this.lease;
  }

  /** Opens the spool from disk (replaying what it holds) and starts sending. */
  open(): void {
    fs.mkdirSync(this.options.workDir, { recursive: true });
    this.spool = Spool.open(this.spoolFile);
    this.pipeline = new MetricsPipeline({
      lease: this.lease!,
      protocol: this.protocol,
      spool: this.spool,
      log: createLogger('debug', { agent: this.options.name }, { write: (line: string) => void this.logLines.push(line) }),
      batchPoints: this.options.batchPoints ?? 300,
      batchMs: this.options.batchMs ?? 50,
      onLeaseLost: (error) => (this.leaseLost = error),
    });
    this.pipeline.start();
  }

  /** Batches on disk not yet acknowledged. */
  get pendingBatches(): number {
    return this.spool?.pendingCount ?? 0;
  }

  /** One training step's points. */
  step(): void {
    const step = this.nextStep++;
    const wallTime = Date.now();
    const points: MetricPoint[] = STEP_KEYS.map((key, k) => ({ key, block: null, step, value: stepValue(this.seed, k, step), wallTime }));
    this.pipeline!.push(points);
  }

  /**
   * A daemon crash right after its last batch was spooled (points still in memory would be lost
   * and re-emitted by the resumed trainer — the agent fault tests cover that): sending stops where
   * it is, and unacknowledged batches stay in the spool file.
   */
  async crash(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, (this.options.batchMs ?? 50) + 30));
    const pipeline = this.pipeline;
    this.pipeline = null;
    await pipeline?.stop();
    this.spool?.close();
    this.spool = null;
  }

  async flush(): Promise<void> {
    await this.pipeline!.flush();
  }

  async close(): Promise<void> {
    await this.pipeline?.stop();
    this.spool?.close();
  }
}
