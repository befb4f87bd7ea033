import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricPoint } from '@stratum/run-config';
import { Spool } from '../src/spool.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-test-'));
  file = path.join(dir, 'spool.jsonl');
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

function pointsFor(step0: number, n: number, key = 'loss'): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({ key, block: i % 3 === 0 ? null : (i % 3), step: step0 + i, value: (step0 + i) / 7, wallTime: 1_700_000_000_000 + i }));
}

function lines(): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('Spool', () => {
  it('writes and fsyncs a batch before append returns', () => {
    const spool = Spool.open(file);
    const fsync = vi.spyOn(fs, 'fsyncSync');
    const batch = { id: 'j:1:0', points: pointsFor(1, 4) };
    spool.append(batch);
    expect(fsync).toHaveBeenCalledTimes(1);
    // The line is on disk (read through a separate descriptor) with every point.
    const [line] = lines();
    expect(JSON.parse(line!)).toEqual({ t: 'b', id: 'j:1:0', p: batch.points.map((p) => [p.key, p.block, p.step, p.value, p.wallTime]) });
    spool.close();
  });

  it('replays unacknowledged batches after a crash, oldest first, with identical points', () => {
    const first = Spool.open(file);
    const batches = [0, 1, 2].map((i) => ({ id: `j:1:${i}`, points: pointsFor(10 * i + 1, 5) }));
    for (const b of batches) first.append(b);
    first.ack('j:1:1');
    // No close(): the process died here.
    const reopened = Spool.open(file);
    expect(reopened.pending()).toEqual([batches[0], batches[2]]);
    expect(reopened.recoveredDrops).toBe(0);
    reopened.close();
  });

  it('keeps batch data on disk until acknowledged and deletes it once everything is acknowledged', () => {
    const spool = Spool.open(file);
    spool.append({ id: 'a', points: pointsFor(1, 3) });
    spool.append({ id: 'b', points: pointsFor(4, 3) });
    spool.ack('a');
    // b is still pending: its line is still in the file.
    expect(lines().some((l) => JSON.parse(l).id === 'b' && JSON.parse(l).t === 'b')).toBe(true);
    expect(Spool.open(file).pending().map((b) => b.id)).toEqual(['b']);
    spool.ack('b');
    expect(fs.statSync(file).size).toBe(0);
    expect(spool.pendingCount).toBe(0);
    // Acknowledging an unknown or already acknowledged batch changes nothing.
    spool.ack('b');
    expect(fs.statSync(file).size).toBe(0);
    spool.close();
  });

  it('tolerates a crash-truncated last line and a damaged line, and appends cleanly after them', () => {
    const spool = Spool.open(file);
    spool.append({ id: 'a', points: pointsFor(1, 2) });
    spool.append({ id: 'b', points: pointsFor(3, 2) });
    spool.close();
    fs.appendFileSync(file, 'not json at all\n');
    fs.appendFileSync(file, '{"t":"b","id":"c","p":[["loss",null,5,0.1'); // died mid-write: no newline
    const reopened = Spool.open(file);
    expect(reopened.recoveredDrops).toBe(2);
    expect(reopened.pending().map((b) => b.id)).toEqual(['a', 'b']);
    // The damaged bytes are gone, so the next line starts on a line of its own.
    expect(lines().every((l) => JSON.parse(l) !== null)).toBe(true);
    reopened.append({ id: 'c', points: pointsFor(5, 2) });
    reopened.close();
    expect(Spool.open(file).pending().map((b) => b.id)).toEqual(['a', 'b', 'c']);
  });

  it('compacts acknowledged lines piling up behind a pending batch without losing it', () => {
    const spool = Spool.open(file);
    const stuck = { id: 'stuck', points: pointsFor(1, 10) };
    spool.append(stuck);
    let peak = 0;
    for (let i = 0; i < 30; i++) {
      spool.append({ id: `x${i}`, points: pointsFor(100 + 5000 * i, 5000) });
      peak = Math.max(peak, fs.statSync(file).size);
      spool.ack(`x${i}`);
    }
    // 30 batches of ~200 kB went through; the file never held them all at once.
    expect(peak).toBeLessThan(30 * 150_000);
    expect(fs.statSync(file).size).toBeLessThan(5 * 1024 * 1024);
    const reopened = Spool.open(file);
    expect(reopened.pending()).toEqual([stuck]);
    reopened.close();
    spool.close();
  });

  it('refuses non-finite values and duplicate batch ids', () => {
    const spool = Spool.open(file);
    expect(() => spool.append({ id: 'n', points: [{ key: 'loss', block: null, step: 3, value: Number.NaN, wallTime: 1 }] })).toThrow(/non-finite value in loss at step 3/);
    spool.append({ id: 'd', points: pointsFor(1, 1) });
    expect(() => spool.append({ id: 'd', points: pointsFor(2, 1) })).toThrow(/already spooled/);
    spool.close();
  });

  it('remove() deletes the file', () => {
    const spool = Spool.open(file);
    spool.append({ id: 'a', points: pointsFor(1, 1) });
    spool.remove();
    expect(fs.existsSync(file)).toBe(false);
  });
});
