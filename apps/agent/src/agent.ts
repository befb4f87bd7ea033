// The daemon: registers with the API, claims jobs (one per device slot, jittered backoff while
// the queue is empty), supervises each in a JobRunner, keeps <work-dir>/agent.alive fresh for
// health checks, and on SIGTERM/SIGINT drains: no new claims, running jobs checkpoint and go
// back to the queue, the spool is flushed, exit 0.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentConfig } from './env.js';
import { describeDevices, hostInventory, planSlots, type HostInventory, type Slot } from './inventory.js';
import { JobRunner, type JobOutcome } from './job-runner.js';
import type { Logger } from './logger.js';
import { planBackends, type BackendPlan } from './backends.js';
import { isAborted, isRetryable, ProtocolClient } from './protocol/client.js';
import { AgentProtocol, type ClaimedJob } from './protocol/operations.js';
import { recoverJobs } from './recovery.js';
import { sleep } from '@stratum/wire';
import { errorMessage, jitter } from './util.js';

export const AGENT_VERSION = '0.1.0';

/** The compiled worker entry next to this file (dist/worker/main.js). */
export const WORKER_PATH = fileURLToPath(new URL('./worker/main.js', import.meta.url));

export class WorkDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`work dir ${dir} is in use by another agent (pid ${pid}); give each agent its own --work-dir`);
    this.name = 'WorkDirInUseError';
  }
}

/** One agent per work dir: agent.lock holds the owner's pid; a dead owner's lock is taken over. */
export function lockWorkDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'agent.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) throw new WorkDirInUseError(dir, owner);
      fs.rmSync(file, { force: true }); // stale: its agent died without cleaning up
    }
  }
  throw new Error(`could not lock work dir ${dir}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface AgentSummary {
  jobs: number;
  outcomes: Partial<Record<JobOutcome, number>>;
  /** The outcome of the only job with --once. */
  lastOutcome: JobOutcome | null;
}

export interface AgentOptions {
  /** Worker entry (tests and the CLI use the compiled default). */
  workerPath?: string;
  /** Environment worker processes inherit (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export class Agent {
  private readonly log: Logger;
  private readonly protocol: AgentProtocol;
  private readonly workerPath: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly stopping = new AbortController();
  private readonly runners = new Map<string, { runner: JobRunner; slot: Slot }>();
  private agentId: string | null = null;
  private plan: BackendPlan | null = null;
  private inventory: HostInventory | null = null;
  private slots: Slot[] = [];
  private slotFreed: (() => void) | null = null;
  private claimed = 0;
  private readonly summary: AgentSummary = { jobs: 0, outcomes: {}, lastOutcome: null };
  private aliveTimer: NodeJS.Timeout | null = null;
  private unlock: (() => void) | null = null;

  constructor(
    readonly config: AgentConfig,
    log: Logger,
    options: AgentOptions = {},
  ) {
    this.log = log;
    this.workerPath = options.workerPath ?? WORKER_PATH;
    this.env = options.env ?? process.env;
    const client = new ProtocolClient({ api: config.api, token: config.token, log });
    this.protocol = new AgentProtocol(client);
  }

  get id(): string | null {
    return this.agentId;
  }

  /**
   * Runs until stop() (or, with --once, until one job has finished). Throws on start-up errors
   * (work dir in use, unknown GPU, explicitly requested backend that cannot load, bad token).
   */
  async run(): Promise<AgentSummary> {
    this.unlock = lockWorkDir(this.config.workDir);
    try {
      this.touchAlive();
      this.aliveTimer = setInterval(() => this.touchAlive(), 10_000);
      this.aliveTimer.unref();
      try {
        await this.startUp();
      } catch (error) {
        if (this.stopping.signal.aborted && isAborted(error)) return this.summary; // stopped while starting
        throw error;
      }
      if (!this.stopping.signal.aborted) await this.claimLoop();
      await this.waitForRunners();
      await this.announce('OFFLINE');
      return this.summary;
    } finally {
      if (this.aliveTimer) clearInterval(this.aliveTimer);
      fs.rmSync(path.join(this.config.workDir, 'agent.alive'), { force: true });
      this.unlock();
    }
  }

  /**
   * Graceful drain: stop claiming, running jobs checkpoint and are released, their spools
   * flushed. Jobs still not done after the drain timeout (plus a margin for the release) are
   * abandoned on disk, to be replayed and handed back on the next start.
   */
  stop(reason: string): void {
    if (this.stopping.signal.aborted) return;
    this.log.info({ reason, running: this.runners.size }, 'stopping: no new claims; draining running jobs');
    this.stopping.abort();
    this.slotFreed?.();
    for (const { runner } of this.runners.values()) runner.drain();
    if (this.agentId) void this.announce('DRAINING');
    const timer = setTimeout(() => {
      for (const { runner } of this.runners.values()) runner.abandon();
    }, this.config.drainTimeoutMs + 30_000);
    timer.unref();
  }

  private async startUp(): Promise<void> {
    const signal = this.stopping.signal;
    this.inventory = await hostInventory();
    this.slots = planSlots(this.config.devices, this.inventory, this.config.maxJobs);
    if (this.inventory.gpuNote) this.log.info({ note: this.inventory.gpuNote }, 'no GPU inventory');
    this.plan = await planBackends(this.config.backend, this.workerPath, this.env, this.log);
    const devices = describeDevices(this.inventory, this.slots, this.plan.adapter);
    const registered = await this.protocol.registerAgent(
      { name: this.config.name, host: this.inventory.host, devices, backends: this.plan.available, labels: this.config.labels, version: AGENT_VERSION },
      { signal },
    );
    this.agentId = registered.id;
    this.log.info(
      { agentId: registered.id, name: this.config.name, api: this.config.api, slots: this.slots.map((s) => `${s.kind}:${s.index}`), backends: this.plan.available, labels: this.config.labels, workDir: this.config.workDir },
      'agent registered',
    );
    const recovered = await recoverJobs(this.config.workDir, this.protocol, this.log, { batchPoints: this.config.batchPoints, batchMs: this.config.batchMs, signal });
    if (recovered.length) this.log.info({ recovered }, 'handed back jobs of the previous agent process');
  }

  private freeSlots(): Slot[] {
    const busy = new Set([...this.runners.values()].map((r) => `${r.slot.kind}:${r.slot.index}`));
    return this.slots.filter((s) => !busy.has(`${s.kind}:${s.index}`));
  }

  private async claimLoop(): Promise<void> {
    const signal = this.stopping.signal;
    let delay = this.config.pollMinMs;
    while (!signal.aborted) {
      if (this.config.once && this.claimed > 0) return;
      const free = this.freeSlots();
      if (free.length === 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        this.slotFreed = null;
        continue;
      }
      let claim: ClaimedJob | null = null;
      try {
        claim = await this.protocol.claimJob(this.agentId!, this.capabilities(free), { signal });
      } catch (error) {
        if (signal.aborted || isAborted(error)) return;
        if (!isRetryable(error)) throw error;
        this.log.warn({ error: errorMessage(error), retryInMs: Math.round(delay) }, 'claim failed; the API may be down');
      }
      if (claim) {
        delay = this.config.pollMinMs;
        this.startJob(claim, free[0]!);
        continue;
      }
      await sleep(jitter(delay), signal);
      delay = Math.min(this.config.pollMaxMs, delay * 2);
    }
  }

  private capabilities(free: Slot[]) {
    const inventory = this.inventory!;
    return {
      backends: this.plan!.available,
      devices: describeDevices(inventory, free, this.plan!.adapter),
      labels: this.config.labels,
      gpu: free.some((s) => s.kind === 'gpu'),
    };
  }

  private startJob(claim: ClaimedJob, slot: Slot): void {
    this.claimed += 1;
    this.summary.jobs += 1;
    this.log.info({ jobId: claim.jobId, runId: claim.runId, run: claim.runName, kind: claim.kind, attempt: claim.attempt, backend: claim.backend, resumeFrom: claim.latestCheckpoint?.step ?? null, slot: `${slot.kind}:${slot.index}` }, 'job claimed');
    const runner = new JobRunner(claim, {
      config: this.config,
      protocol: this.protocol,
      log: this.log,
      slot,
      workerPath: this.workerPath,
      defaultBackend: this.plan!.preferred,
      env: this.env,
    });
    this.runners.set(claim.jobId, { runner, slot });
    if (this.stopping.signal.aborted) runner.drain();
    void runner.start().then((outcome) => {
      this.runners.delete(claim.jobId);
      this.summary.outcomes[outcome] = (this.summary.outcomes[outcome] ?? 0) + 1;
      this.summary.lastOutcome = outcome;
      this.slotFreed?.();
    });
  }

  private async waitForRunners(): Promise<void> {
    while (this.runners.size > 0) {
      await Promise.all([...this.runners.values()].map((r) => r.runner.done));
    }
  }

  private async announce(status: 'DRAINING' | 'OFFLINE'): Promise<void> {
    if (!this.agentId) return;
    try {
      await this.protocol.setAgentStatus(this.agentId, status, { attempts: 2 });
    } catch (error) {
      this.log.debug({ status, error: errorMessage(error) }, 'could not announce agent status');
    }
  }

  private touchAlive(): void {
    try {
      fs.writeFileSync(path.join(this.config.workDir, 'agent.alive'), `${new Date().toISOString()} pid=${process.pid} running=${this.runners.size}\n`);
    } catch (error) {
      this.log.warn({ error: errorMessage(error) }, 'cannot write agent.alive');
    }
  }
}
