// The worker process: one per job, forked by the daemon. It loads TensorFlow.js, trains (or
// compares), evaluates, and reports everything to the daemon over IPC; it never talks to the
// API. If the daemon dies, the IPC channel closes and the worker exits with it.
import { createLogger, type Logger } from '../logger.js';
import { errorMessage } from '../util.js';
import type { FromWorker, BackendCheck, ToWorker, WorkerJob } from './messages.js';
import { classifyError, divergenceOf } from './errors.js';

let drainRequested = false;
const drainController = new AbortController();
let busy = false;

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send || !process.connected) return reject(new Error('the daemon is gone'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** Sends the last message, then exits once it has left the process. */
async function finish(message: FromWorker, code = 0): Promise<never> {
  try {
    await send(message);
  } finally {
    process.exit(code);
  }
}

async function detectBackends(backends: string[]): Promise<void> {
  const { selectBackend } = await import('@stratum/trainer');
  const results: BackendCheck[] = [];
  for (const name of backends) {
    try {
      const info = await selectBackend(name as Parameters<typeof selectBackend>[0]);
      results.push({ name, ok: true, ...(info.adapter ? { adapter: info.adapter } : {}) });
    } catch (error) {
      results.push({ name, ok: false, error: errorMessage(error).replace(/^backend "[^"]+" is unavailable: /, '') });
    }
  }
  await finish({ type: 'backends-detected', results });
}

async function run(job: WorkerJob, log: Logger): Promise<void> {
  try {
    if (job.kind === 'TRAIN') {
      const { trainJob } = await import('./train-job.js');
      const outcome = await trainJob(job, { log, signal: drainController.signal, send });
      return await finish(outcome.drained ? { type: 'drained', step: outcome.step } : { type: 'done', summary: outcome.summary });
    }
    const { compareJob } = await import('./compare-job.js');
    const summary = await compareJob(job, { log, send });
    // A drain during a comparison lets it finish: it is short and has nothing to checkpoint.
    await finish({ type: 'done', summary });
  } catch (error) {
    const { retryable, code } = classifyError(error);
    log.error({ error: error instanceof Error ? error.stack : String(error), retryable, code }, 'job failed');
    if (drainRequested && retryable) await finish({ type: 'drained', step: null });
    const divergence = divergenceOf(error);
    await finish({ type: 'failed', error: errorMessage(error), retryable, code, ...(divergence ? { divergence } : {}) }, 1);
  }
}

process.on('disconnect', () => process.exit(0)); // the daemon died: nobody holds the lease for us
process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'detect-backends':
      if (busy) return;
      busy = true;
      void detectBackends(message.backends);
      return;
    case 'run': {
      if (busy) return;
      busy = true;
      const log = createLogger(message.logLevel, { worker: true, jobId: message.job.jobId, runId: message.job.runId });
      void run(message.job, log);
      return;
    }
    case 'drain':
      drainRequested = true;
      drainController.abort();
      return;
  }
});
