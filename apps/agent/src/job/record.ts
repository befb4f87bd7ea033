// A job's directory under the work dir, and the record kept there next to its spool.
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../spool.js';

/** The record kept next to a job's spool, so that a restarted daemon can replay and hand back. */
export interface JobRecord {
  jobId: string;
  runId: string;
  kind: 'TRAIN' | 'COMPARE';
  fencingToken: string;
  claimedAt: string;
  /** 'draining' once a graceful drain began: a restarted daemon then releases the job rather than failing it. */
  state: 'running' | 'draining';
}

export function jobDir(workDir: string, jobId: string): string {
  return path.join(workDir, 'jobs', jobId);
}

export function writeJobRecord(dir: string, record: JobRecord): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'job.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  const fd = fs.openSync(`${file}.tmp`, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  fsyncDir(dir);
}
