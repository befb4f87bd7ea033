import { describe, expect, it } from 'vitest';
import { batchOf, batchStream, batchStreamAsync, type AsyncClipSource } from '../src/batching.js';
import { InMemoryDataset } from '../src/in-memory.js';
import type { StreamBatch } from '../src/types.js';

/** 10 clips of shape [2, 1, 1, 2]; clip i is filled with i, label parity = i % 2. */
const shape = { frames: 2, height: 1, width: 2, channels: 1 };
const ds = new InMemoryDataset(
  'toy',
  shape,
  [{ name: 'parity', numClasses: 2, description: 'i mod 2' }],
  [0, 9],
  Array.from({ length: 10 }, (_, i) => ({ clip: new Float32Array(4).fill(i), labels: { parity: i % 2 } })),
);
const idsOf = (b: StreamBatch) => Array.from({ length: b.shape[0] }, (_, j) => b.clips[j * 4]!);

function take<T>(it: Iterator<T>, n: number): T[] {
  return Array.from({ length: n }, () => it.next().value as T);
}

describe('batchOf', () => {
  it('stacks clips in order as [B, T, H, W, C] with labels per target', () => {
    const b = batchOf(ds, [3, 0, 7]);
    expect(b.shape).toEqual([3, 2, 1, 2, 1]);
    expect([...b.clips]).toEqual([3, 3, 3, 3, 0, 0, 0, 0, 7, 7, 7, 7]);
    expect([...b.labels.parity!]).toEqual([1, 0, 1]);
  });
});

describe('batchStream', () => {
  it('visits every clip exactly once per epoch, batches straddling epoch ends', () => {
    const batches = take(batchStream(ds, { batchSize: 3, seed: 1 }), 10); // 30 positions = 3 epochs
    const flat = batches.flatMap(idsOf);
    for (let e = 0; e < 3; e++) expect([...flat.slice(e * 10, e * 10 + 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(flat.slice(0, 10)).not.toEqual(flat.slice(10, 20)); // reshuffled per epoch
    expect(batches.map((b) => b.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // batch 3 holds positions 9..11: it starts in epoch 0.
    expect(batches.map((b) => b.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    batches.forEach((b) => expect([...b.labels.parity!]).toEqual(idsOf(b).map((i) => i % 2)));
  });

  it('resumes exactly where a fresh stream would be', () => {
    const fresh = take(batchStream(ds, { batchSize: 4, seed: 7 }), 12);
    const resumed = take(batchStream(ds, { batchSize: 4, seed: 7, startStep: 5 }), 7);
    expect(resumed).toEqual(fresh.slice(5));
  });

  it('is deterministic by seed and differs across seeds', () => {
    const a = take(batchStream(ds, { batchSize: 5, seed: 1 }), 4).flatMap(idsOf);
    const b = take(batchStream(ds, { batchSize: 5, seed: 1 }), 4).flatMap(idsOf);
    const c = take(batchStream(ds, { batchSize: 5, seed: 2 }), 4).flatMap(idsOf);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rejects bad options', () => {
    expect(() => batchStream(ds, { batchSize: 0, seed: 1 }).next()).toThrow(/batchSize/);
    expect(() => batchStream(ds, { batchSize: 2, seed: 1, startStep: -1 }).next()).toThrow(/startStep/);
  });
});

describe('batchStreamAsync', () => {
  it('yields the same batches as batchStream, resume included, with loads bounded', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const epochs: number[] = [];
    const src: AsyncClipSource = {
      ...ds,
      name: ds.name,
      shape: ds.shape,
      size: ds.size,
      targets: ds.targets,
      valueRange: ds.valueRange,
      async load(i, epoch) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        epochs.push(epoch);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return ds.get(i);
      },
    };
    const sync = take(batchStream(ds, { batchSize: 4, seed: 3 }), 8);
    const it = batchStreamAsync(src, { batchSize: 4, seed: 3, startStep: 2, concurrency: 2 });
    for (let s = 2; s < 8; s++) expect((await it.next()).value).toEqual(sync[s]);
    await it.return(undefined as never);
    // Two batches at most are prepared at once (current + one ahead), each ≤ 2 loads in flight.
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(Math.max(...epochs)).toBe(Math.floor((9 * 4 - 1) / 10));
  });

  it('holds a bounded number of decoded clips, however large the source', async () => {
    let started = 0;
    let finished = 0;
    const huge: AsyncClipSource = {
      name: 'huge', shape, size: 1_000_000, targets: ds.targets, valueRange: [0, 1],
      async load(i) {
        started++;
        await new Promise((r) => setTimeout(r, 0));
        finished++;
        return { clip: new Float32Array(4).fill(i % 7), labels: { parity: i % 2 } };
      },
    };
    const it = batchStreamAsync(huge, { batchSize: 8, seed: 1, concurrency: 3, prefetch: 2 });
    for (let consumed = 1; consumed <= 5; consumed++) {
      await it.next();
      // A training step: the loads run ahead meanwhile, until the prefetch bound stops them.
      for (let spins = 0; spins < 2000 && (finished < started || started < (consumed + 2) * 8); spins++) await new Promise((r) => setTimeout(r, 1));
      expect(started).toBe((consumed + 2) * 8); // the consumed batches + 2 ahead, not the source
      expect(finished - consumed * 8).toBeLessThanOrEqual(2 * 8); // decoded and waiting
    }
    await it.return(undefined as never);
    expect(finished).toBe(started); // ending the stream waits for the loads in flight
  });
});
