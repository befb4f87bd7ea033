// The worker child process of one job: started in its own process group, messaged over IPC,
// stopped with SIGTERM then SIGKILL. Its messages become the job's progress and metrics, or are
// queued as API work (checkpoints, evaluations, the job's end) on the reporter. A crash, an OOM
// or a cancel kills only the child; an exit without a final message fails the job as retryable.
import { fork, type ChildProcess } from 'node:child_process';
import type { MetricPoint } from '@stratum/run-config';
import { errorMessage } from '../util.js';
import type { FromWorker, ToWorker, WorkerJob } from '../worker/messages.js';
import type { JobContext } from './context.js';
import type { JobReporter } from './reporter.js';

const STDERR_TAIL = 4_000;

export interface WorkerProgress {
  step: number;
  totalSteps: number | null;
  phase: string;
}

export class WorkerProcess {
  private child: ChildProcess | null = null;
  private stderrTail = '';
  /** The last message that ends the job ('done', 'drained', 'failed'); set by the coordinator too. */
  finalMessage: FromWorker['type'] | null = null;
  progress: WorkerProgress | null = null;
  /** The worker's GPU memory (webgpu), from its latest progress message. */
  gpuMemoryMb: { inUse: number; allocated: number } | null = null;
  /** The backend the worker loaded, from its 'started' message. */
  backend: string | null = null;

  constructor(
    private readonly job: JobContext,
    private readonly reporter: JobReporter,
  ) {}

  /** Whether a worker process was started and has not exited yet. */
  get running(): boolean {
    return this.child !== null;
  }

  get connected(): boolean {
    return this.child?.connected ?? false;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(job: WorkerJob): void {
    const { claim, deps, log } = this.job;
    const env: NodeJS.ProcessEnv = { ...deps.env };
    if (deps.slot.kind === 'gpu') env.CUDA_VISIBLE_DEVICES = String(deps.slot.index);
    else env.CUDA_VISIBLE_DEVICES = '';
    // Its own process group (detached): a Ctrl-C on the daemon's terminal reaches the daemon
    // only, which then drains; the worker exits by itself if the daemon dies (IPC disconnect).
    const child = fork(deps.workerPath, [], {
      env,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: true,
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('message', (message: FromWorker) => this.onMessage(message));
    child.on('error', (error) => log.error({ error: error.message }, 'worker process error'));
    child.on('close', (code, signal) => this.onExit(code, signal));
    log.info({ pid: child.pid, kind: job.kind, backend: job.backend, resumeFrom: job.kind === 'TRAIN' ? claim.latestCheckpoint?.step ?? null : null }, 'worker started');
    this.send({ type: 'run', job, logLevel: deps.config.logLevel });
  }

  send(message: ToWorker): void {
    try {
      this.child?.send(message);
    } catch (error) {
      this.job.log.warn({ error: errorMessage(error) }, 'could not message the worker');
    }
  }

  /** SIGTERM to the worker's process group, SIGKILL after the grace period. */
  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) signalGroup('SIGKILL');
    }, this.job.deps.config.killGraceMs);
    timer.unref();
  }

  // ------------------------------------------------------------------------------------------
  // Worker messages (async work runs one at a time, in arrival order)

  private onMessage(message: FromWorker): void {
    if (this.job.stopping()) return;
    const { log, pipeline } = this.job;
    const reporter = this.reporter;
    switch (message.type) {
      case 'metrics':
        pipeline.push(message.points);
        this.noteStep(message.points);
        return;
      case 'progress':
        this.progress = { step: message.step, totalSteps: message.totalSteps, phase: message.phase };
        if (message.gpuMemoryMb) this.gpuMemoryMb = message.gpuMemoryMb;
        return;
      case 'started':
        this.backend = message.backend.name;
        log.info({ backend: message.backend.name, tried: message.backend.tried, totalSteps: message.totalSteps }, 'worker loaded its backend');
        return;
      case 'checkpoint':
        reporter.checkpointQueued();
        this.job.enqueue(() => reporter.registerCheckpoint(message));
        return;
      case 'evaluation':
        this.job.enqueue(() => reporter.reportEvaluation(message));
        return;
      case 'done':
        this.finalMessage = 'done';
        this.job.enqueue(() => reporter.complete(message.summary));
        return;
      case 'drained':
        this.finalMessage = 'drained';
        this.job.enqueue(() => reporter.release(`drained at step ${message.step ?? 'n/a'}`));
        return;
      case 'failed':
        this.finalMessage = 'failed';
        log.error({ error: message.error, retryable: message.retryable, code: message.code, divergence: message.divergence }, 'job failed in the worker');
        this.job.enqueue(() => reporter.fail(message.error, message.retryable, message.divergence));
        return;
      case 'backends-detected':
        return;
    }
  }

  private noteStep(points: MetricPoint[]): void {
    let step = this.progress?.step ?? -1;
    for (const p of points) if (!p.key.startsWith('sys/') && p.step > step) step = p.step;
    if (step >= 0) this.progress = { step, totalSteps: this.progress?.totalSteps ?? null, phase: this.progress?.phase ?? 'train' };
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const log = this.job.log;
    this.child = null;
    log.info({ code, signal }, 'worker exited');
    if (this.job.stopping() || this.finalMessage) return;
    if (this.job.draining()) {
      this.job.enqueue(() => this.reporter.release('drained (worker stopped without a final checkpoint)'));
      return;
    }
    const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-15).join('\n');
    const error = `the worker process ${how} without finishing the job${tail ? `; its last output:\n${tail}` : ''}`;
    log.error({ code, signal }, 'worker crashed');
    this.job.enqueue(() => this.reporter.fail(error, true));
  }
}
