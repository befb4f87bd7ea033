// An in-process background task: one pass every `intervalMs`, never overlapping itself; a failed
// pass is logged and retried at the next interval. stop() waits for a pass in flight.
import type { AppServices } from '../context.js';

export function startPeriodicTask(app: AppServices, name: string, intervalMs: number, pass: () => Promise<unknown>): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = pass()
      .catch((error: unknown) => app.log.warn({ err: error }, `${name} failed; retrying next interval`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
