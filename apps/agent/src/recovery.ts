// After a daemon restart: jobs the previous process held are still on disk (job.json + spool).
// Their unsent metric batches are replayed under the old lease (the server's idempotency makes
// that safe); then the job is handed back — released if a graceful drain had begun, otherwise
// failed as retryable (the attempt really was interrupted) — so it is re-claimed and resumes
// from its last checkpoint instead of waiting for the lease to expire. If the lease is already
// gone, the spool is moot: its points are all after the last registered checkpoint (see
// job-runner.ts), so the next holder re-emits them.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';
import { MetricsPipeline } from './metrics-pipeline.js';
import { isLeaseLost } from './protocol/client.js';
import type { AgentProtocol } from './protocol/operations.js';
import { Spool } from './spool.js';
import type { JobRecord } from './job-runner.js';

export interface RecoveryResult {
  jobId: string;
  replayedBatches: number;
  outcome: 'released' | 'failed' | 'lease-lost' | 'unreadable';
}

function readRecord(dir: string): JobRecord | null {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'job.json'), 'utf8')) as Partial<JobRecord>;
    if (typeof record.jobId !== 'string' || typeof record.fencingToken !== 'string') return null;
    return { runId: '', kind: 'TRAIN', claimedAt: '', state: 'running', ...record } as JobRecord;
  } catch {
    return null;
  }
}

export async function recoverJobs(workDir: string, protocol: AgentProtocol, log: Logger, options: { batchPoints: number; batchMs: number; signal?: AbortSignal }): Promise<RecoveryResult[]> {
  const root = path.join(workDir, 'jobs');
  if (!fs.existsSync(root)) return [];
  const results: RecoveryResult[] = [];
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const record = readRecord(dir);
    if (!record) {
      log.warn({ dir }, 'unreadable job record left by a previous run; removed');
      fs.rmSync(dir, { recursive: true, force: true });
      results.push({ jobId: name, replayedBatches: 0, outcome: 'unreadable' });
      continue;
    }
    const jobLog = log.child({ jobId: record.jobId, runId: record.runId, recovering: true });
    const lease = { jobId: record.jobId, fencingToken: record.fencingToken };
    const spool = Spool.open(path.join(dir, 'spool.jsonl'));
    const batches = spool.pendingCount;
    let lost = false;
    const pipeline = new MetricsPipeline({ lease, protocol, spool, log: jobLog, batchPoints: options.batchPoints, batchMs: options.batchMs, onLeaseLost: () => (lost = true) });
    pipeline.start();
    let outcome: RecoveryResult['outcome'];
    try {
      await pipeline.flush();
      if (record.state === 'draining') {
        await protocol.releaseJob(lease, { signal: options.signal });
        outcome = 'released';
      } else {
        await protocol.failJob(lease, 'the agent process stopped while running this job (crash or kill); it restarted and handed the job back', true, { signal: options.signal });
        outcome = 'failed';
      }
    } catch (error) {
      if (!lost && !isLeaseLost(error)) {
        await pipeline.stop();
        spool.close();
        throw error;
      }
      outcome = 'lease-lost';
    }
    await pipeline.stop();
    spool.remove();
    fs.rmSync(dir, { recursive: true, force: true });
    jobLog.info({ replayedBatches: batches, outcome, dropped: spool.recoveredDrops }, 'job from a previous agent process recovered');
    results.push({ jobId: record.jobId, replayedBatches: batches, outcome });
  }
  return results;
}
