/**
 * Batching and the training data order.
 *
 * Order: the stream is the concatenation of epochs, each a seeded permutation of the dataset
 * keyed by (seed, epoch). Batch `step` holds stream positions [step·B, (step+1)·B), so a batch
 * may straddle two epochs and every clip is seen exactly once per epoch. Because a batch is a
 * pure function of (size, seed, step), a stream started at `startStep` yields exactly what a
 * fresh stream yields from that step on — checkpoint resume continues the same data order.
 */
import { permutation, rngFor } from '@stratum/stats';
import type { ClipBatch, ClipDataset, ClipSample, ClipShape, StreamBatch, TargetSpec } from './types.js';

/** Packs samples into a [B, T, H, W, C] batch with one Int32Array of labels per target. */
export function assembleBatch(shape: ClipShape, targets: readonly TargetSpec[], samples: readonly ClipSample[]): ClipBatch {
  const clipLen = shape.frames * shape.height * shape.width * shape.channels;
  const clips = new Float32Array(samples.length * clipLen);
  const labels: Record<string, Int32Array> = {};
  for (const t of targets) labels[t.name] = new Int32Array(samples.length);
  samples.forEach((s, b) => {
    if (s.clip.length !== clipLen) throw new Error(`clip ${b} has ${s.clip.length} values, expected ${clipLen}`);
    clips.set(s.clip, b * clipLen);
    for (const t of targets) {
      const v = s.labels[t.name];
      if (v === undefined) throw new Error(`clip ${b} has no label for target "${t.name}"`);
      labels[t.name]![b] = v;
    }
  });
  return { clips, shape: [samples.length, shape.frames, shape.height, shape.width, shape.channels], labels };
}

/** The clips at `indices`, in that order, as one batch. */
export function batchOf(ds: ClipDataset, indices: number[]): ClipBatch {
  return assembleBatch(ds.shape, ds.targets, indices.map((i) => ds.get(i)));
}

/** Stream position → (dataset index, epoch), keeping the permutations of recent epochs. */
export class EpochOrder {
  private readonly cache = new Map<number, Int32Array>();

  constructor(
    readonly size: number,
    readonly seed: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`cannot order a dataset of size ${size}`);
  }

  epochOf(position: number): number {
    return Math.floor(position / this.size);
  }

  permutationOf(epoch: number): Int32Array {
    let p = this.cache.get(epoch);
    if (!p) {
      p = permutation(this.size, rngFor(this.seed, epoch, 0x6570_6f63));
      if (this.cache.size >= 2) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(epoch, p);
    }
    return p;
  }

  indexAt(position: number): number {
    return this.permutationOf(this.epochOf(position))[position % this.size]!;
  }
}

export interface StreamOptions {
  batchSize: number;
  seed: number;
  /** First step to yield; default 0. */
  startStep?: number;
}

function checkStream(opts: StreamOptions): number {
  const { batchSize, seed, startStep = 0 } = opts;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isSafeInteger(startStep) || startStep < 0) throw new RangeError(`startStep must be a non-negative integer, got ${startStep}`);
  return startStep;
}

/** The dataset indices and epoch of batch `step`. */
export function batchIndices(order: EpochOrder, batchSize: number, step: number): { indices: number[]; epoch: number } {
  const start = step * batchSize;
  const indices = Array.from({ length: batchSize }, (_, j) => order.indexAt(start + j));
  return { indices, epoch: order.epochOf(start) };
}

/** Endless deterministic shuffled batches for training, epoch-aware; seeded. */
export function* batchStream(ds: ClipDataset, opts: StreamOptions): Generator<StreamBatch, never, undefined> {
  const order = new EpochOrder(ds.size, opts.seed);
  for (let step = checkStream(opts); ; step++) {
    const { indices, epoch } = batchIndices(order, opts.batchSize, step);
    yield { ...batchOf(ds, indices), step, epoch };
  }
}

/** A dataset whose clips load asynchronously (e.g. decoded videos). */
export interface AsyncClipSource {
  readonly name: string;
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number];
  /** Loads clip `index`; `epoch` lets training augmentations differ between epochs. */
  load(index: number, epoch: number): Promise<ClipSample>;
  /** Optional: several clips at once, each equal to its `load` (e.g. one decoder process for all). */
  loadMany?(items: ReadonlyArray<{ index: number; epoch: number }>): Promise<ClipSample[]>;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export interface AsyncStreamOptions extends StreamOptions {
  /** Clips loading at once (e.g. ffmpeg processes); default 2. */
  concurrency?: number;
  /** Batches decoded ahead of the one being consumed; default 2. */
  prefetch?: number;
  /** Clips per `loadMany` call where the source has it; default 8 (1 = one `load` per clip). */
  group?: number;
}

/** Runs at most `limit` tasks at once, starting them in the order they were queued. */
class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * `batchStream` for asynchronous sources, with the same order and resume guarantee. Clips load
 * ahead of the consumer — at most `concurrency` loads at a time, each of up to `group` clips
 * where the source has `loadMany` — in stream order, up to `prefetch`
 * batches beyond the one being consumed: the decoded clips held never exceed
 * (prefetch + 1) · batchSize, whatever the size of the source. Ending the iteration
 * (`return()`, or `break` in for-await) waits for the loads in flight, then stops.
 */
export async function* batchStreamAsync(src: AsyncClipSource, opts: AsyncStreamOptions): AsyncGenerator<StreamBatch, never, undefined> {
  const order = new EpochOrder(src.size, opts.seed);
  const B = opts.batchSize;
  const concurrency = opts.concurrency ?? 2;
  const prefetch = opts.prefetch ?? 2;
  const group = src.loadMany ? (opts.group ?? 8) : 1;
  if (!Number.isSafeInteger(group) || group < 1) throw new RangeError(`group must be a positive integer, got ${group}`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isSafeInteger(prefetch) || prefetch < 0) throw new RangeError(`prefetch must be a non-negative integer, got ${prefetch}`);
  const gate = new Gate(concurrency);
  /** Stream position → its clip, loading or loaded; only positions not yet yielded. */
  const ahead = new Map<number, Promise<ClipSample>>();
  let step = checkStream(opts);
  let next = step * B;
  try {
    for (;; step++) {
      for (const end = (step + 1 + prefetch) * B; next < end; ) {
        const positions = Array.from({ length: Math.min(group, end - next) }, (_, j) => next + j);
        next += positions.length;
        const items = positions.map((p) => ({ index: order.indexAt(p), epoch: order.epochOf(p) }));
        const loaded = gate.run(() => (src.loadMany && items.length > 1 ? src.loadMany(items) : Promise.all(items.map((i) => src.load(i.index, i.epoch)))));
        positions.forEach((p, j) => {
          const clip = loaded.then((clips) => clips[j]!);
          clip.catch(() => undefined); // surfaced when its batch is awaited
          ahead.set(p, clip);
        });
      }
      const positions = Array.from({ length: B }, (_, j) => step * B + j);
      const samples = await Promise.all(positions.map((p) => ahead.get(p)!));
      positions.forEach((p) => ahead.delete(p));
      yield { ...assembleBatch(src.shape, src.targets, samples), step, epoch: order.epochOf(step * B) };
    }
  } finally {
    await Promise.allSettled(ahead.values());
  }
}
