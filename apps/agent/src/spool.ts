// The per-job metrics spool: an append-only JSONL file. A batch is written and fsync'd before it
// is sent, and stays on disk until the server acknowledges it, so a network outage or a daemon
// crash loses nothing that was spooled; replays are safe because logMetrics is idempotent on
// (run, key, block, step).
//
// Lines:  {"t":"b","id":"<batch id>","p":[[key, block|null, step, value, wallTimeMs], …]}
//         {"t":"a","id":"<batch id>"}                      (acknowledged by the server)
// A crash can leave the last line half-written: it is dropped on open (its batch was never
// sent, since sending starts only after the fsync). When every batch is acknowledged the file is
// truncated; when acknowledged lines pile up behind a slow batch it is compacted (rewritten with
// the pending batches only, fsync'd, renamed over the old file).
import fs from 'node:fs';
import path from 'node:path';
import type { MetricPoint } from '@stratum/run-config';

export interface SpooledBatch {
  id: string;
  points: MetricPoint[];
}

type Row = [string, number | null, number, number, number];

/** Acknowledged bytes beyond which the file is compacted even though batches are pending. */
const COMPACT_BYTES = 4 * 1024 * 1024;

export class Spool {
  private fd: number;
  private readonly pendingBatches = new Map<string, SpooledBatch>();
  private size = 0;
  private pendingBytes = new Map<string, number>();
  /** Lines dropped on open because they were truncated or unreadable. */
  readonly recoveredDrops: number;

  private constructor(
    readonly file: string,
    fd: number,
    drops: number,
  ) {
    this.fd = fd;
    this.recoveredDrops = drops;
  }

  /** Opens (creating if needed) the spool at `file`, recovering unacknowledged batches. */
  static open(file: string): Spool {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const batches = new Map<string, { batch: SpooledBatch; bytes: number }>();
    let drops = 0;
    let goodBytes = 0;
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      if (end < 0) {
        drops += 1; // a crash mid-write: no newline, never fsync'd as a whole, never sent
        break;
      }
      const line = text.slice(offset, end);
      const lineBytes = Buffer.byteLength(line, 'utf8') + 1;
      offset = end + 1;
      const parsed = parseLine(line);
      if (!parsed) {
        drops += 1;
        continue;
      }
      goodBytes += lineBytes;
      if (parsed.t === 'b') batches.set(parsed.batch.id, { batch: parsed.batch, bytes: lineBytes });
      else batches.delete(parsed.id);
    }
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600);
    const spool = new Spool(file, fd, drops);
    for (const { batch, bytes } of batches.values()) {
      spool.pendingBatches.set(batch.id, batch);
      spool.pendingBytes.set(batch.id, bytes);
    }
    spool.size = Buffer.byteLength(text, 'utf8');
    // Drop damaged lines now, so that later appends never follow a half-written one.
    if (drops > 0 || goodBytes !== spool.size || (spool.pendingBatches.size === 0 && spool.size > 0)) spool.rewrite();
    return spool;
  }

  /** Unacknowledged batches, oldest first. */
  pending(): SpooledBatch[] {
    return [...this.pendingBatches.values()];
  }

  get pendingCount(): number {
    return this.pendingBatches.size;
  }

  /** Appends a batch durably (write + fsync) before the caller sends it. */
  append(batch: SpooledBatch): void {
    if (this.pendingBatches.has(batch.id)) throw new Error(`batch ${batch.id} is already spooled`);
    const bad = batch.points.find((p) => !Number.isFinite(p.value) || !Number.isFinite(p.step) || !Number.isFinite(p.wallTime));
    if (bad) throw new Error(`batch ${batch.id}: non-finite value in ${bad.key} at step ${bad.step}`);
    const rows: Row[] = batch.points.map((p) => [p.key, p.block, p.step, p.value, p.wallTime]);
    const line = JSON.stringify({ t: 'b', id: batch.id, p: rows }) + '\n';
    this.write(line);
    fs.fsyncSync(this.fd);
    this.pendingBatches.set(batch.id, batch);
    this.pendingBytes.set(batch.id, Buffer.byteLength(line, 'utf8'));
  }

  /**
   * Records the server's acknowledgement; the batch's data leaves the disk with the next
   * truncation or compaction. Not fsync'd: losing an ack line only means a harmless replay.
   */
  ack(id: string): void {
    if (!this.pendingBatches.delete(id)) return;
    this.pendingBytes.delete(id);
    if (this.pendingBatches.size === 0) {
      fs.ftruncateSync(this.fd, 0);
      fs.fsyncSync(this.fd);
      this.size = 0;
      return;
    }
    this.write(JSON.stringify({ t: 'a', id }) + '\n');
    let pendingBytes = 0;
    for (const bytes of this.pendingBytes.values()) pendingBytes += bytes;
    if (this.size - pendingBytes > COMPACT_BYTES) this.rewrite();
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Closes and deletes the file (the job is over and everything was acknowledged or is moot). */
  remove(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }

  private write(line: string): void {
    if (this.fd < 0) throw new Error(`spool ${this.file} is closed`);
    const buffer = Buffer.from(line, 'utf8');
    let written = 0;
    while (written < buffer.length) written += fs.writeSync(this.fd, buffer, written, buffer.length - written);
    this.size += buffer.length;
  }

  /** Replaces the file with one holding only the pending batches (tmp + fsync + rename). */
  private rewrite(): void {
    const tmp = `${this.file}.tmp`;
    const lines = this.pending().map((b) => JSON.stringify({ t: 'b', id: b.id, p: b.points.map((p) => [p.key, p.block, p.step, p.value, p.wallTime]) }) + '\n');
    const body = lines.join('');
    fs.writeFileSync(tmp, body, { mode: 0o600 });
    const tmpFd = fs.openSync(tmp, 'r+');
    fs.fsyncSync(tmpFd);
    fs.closeSync(tmpFd);
    fs.renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_APPEND, 0o600);
    this.size = Buffer.byteLength(body, 'utf8');
  }
}

function parseLine(line: string): { t: 'b'; batch: SpooledBatch } | { t: 'a'; id: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const record = value as { t?: unknown; id?: unknown; p?: unknown };
  if (typeof record.id !== 'string') return null;
  if (record.t === 'a') return { t: 'a', id: record.id };
  if (record.t !== 'b' || !Array.isArray(record.p)) return null;
  const points: MetricPoint[] = [];
  for (const row of record.p as unknown[]) {
    if (!Array.isArray(row) || row.length !== 5) return null;
    const [key, block, step, value, wallTime] = row as unknown[];
    if (typeof key !== 'string' || (block !== null && typeof block !== 'number') || typeof step !== 'number' || typeof value !== 'number' || typeof wallTime !== 'number') {
      return null;
    }
    points.push({ key, block, step, value, wallTime });
  }
  return { t: 'b', batch: { id: record.id, points } };
}

/** Makes a rename in `dir` durable. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
