// Which tfjs backends load on this host, found in a throw-away worker process (loading
// TensorFlow in the daemon itself would cost memory for weeks and could crash it).
import { fork } from 'node:child_process';
import { AUTO_BACKEND_ORDER } from '@stratum/run-config';
import type { BackendChoice } from './env.js';
import type { Logger } from './logger.js';
import type { FromWorker, BackendCheck, WebgpuAdapter } from './worker/messages.js';

/** The trainer's `auto` order: tensorflow-gpu → webgpu → tensorflow → wasm → cpu. */
export const AUTO_ORDER = AUTO_BACKEND_ORDER;

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend "${backend}" was requested but cannot be loaded: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export async function detectBackends(workerPath: string, backends: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<BackendCheck[]> {
  const child = fork(workerPath, [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2_000)));
  try {
    return await new Promise<BackendCheck[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`backend probe gave no answer within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (message: FromWorker) => {
        if (message.type === 'backends-detected') {
          clearTimeout(timer);
          resolve(message.results);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`backend probe process exited (${signal ?? `code ${code}`}) before answering${stderr ? `: ${stderr.trim()}` : ''}`));
      });
      child.send({ type: 'detect-backends', backends: [...backends] });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface BackendPlan {
  /** Loadable backends in preference order (what the agent registers and offers). */
  available: string[];
  /** The GPU adapter WebGPU runs on, when webgpu is available. */
  adapter?: WebgpuAdapter;
  /** The one jobs run on unless a job asks for another available one. */
  preferred: string;
  results: BackendCheck[];
}

/**
 * Resolves the --backend choice. An explicit backend that fails to load is an error naming the
 * reason — never a silent fall back to the CPU. With auto, the first that loads is preferred and
 * every one that did not is logged with its reason.
 */
export async function planBackends(choice: BackendChoice, workerPath: string, env: NodeJS.ProcessEnv, log: Logger): Promise<BackendPlan> {
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const results = await detectBackends(workerPath, candidates, env);
  if (choice === 'auto') {
    // as the trainer's own auto: a software WebGPU adapter (lavapipe) is slower than wasm
    for (const r of results) {
      if (r.ok && r.adapter?.software) Object.assign(r, { ok: false, error: `the WebGPU adapter is a software driver (${r.adapter.description}), slower than wasm; request --backend webgpu to use it anyway` });
    }
  }
  const available = results.filter((r) => r.ok).map((r) => r.name);
  if (choice !== 'auto') {
    const result = results[0];
    if (!result?.ok) throw new BackendUnavailableError(choice, result?.error ?? 'no answer from the backend check');
    log.info({ backend: choice }, 'backend loaded (explicitly requested)');
    return { available, preferred: choice, results, ...adapterOf(results) };
  }
  const preferred = available[0];
  if (!preferred) throw new BackendUnavailableError('auto', results.map((r) => `${r.name}: ${r.error}`).join('; '));
  const skipped = results.filter((r) => !r.ok).map((r) => ({ backend: r.name, reason: r.error }));
  for (const s of skipped) log.warn(s, `backend ${s.backend} not used: ${s.reason}`);
  log.info({ backend: preferred, available, notAvailable: skipped.map((s) => s.backend) }, `backend auto-selected: ${preferred}`);
  return { available, preferred, results, ...adapterOf(results) };
}

function adapterOf(results: BackendCheck[]): { adapter?: WebgpuAdapter } {
  const webgpu = results.find((r) => r.name === 'webgpu' && r.ok && r.adapter);
  return webgpu ? { adapter: webgpu.adapter } : {};
}
