/**
 * A folder of real videos (UCF101 layout, see scan.ts) as an asynchronous clip source.
 *
 * Loading a clip means decoding video, so clips load asynchronously (`load`), stream with
 * bounded memory (`clips()`, or `batchStreamAsync` for training batches), or — for a bounded
 * evaluation set — are loaded once into an in-memory ClipDataset with `materialise(n)`, which
 * is what `createDataset({ name: 'folder', … })` returns. Values are RGB in [0, 1], C = 3.
 *
 * Determinism: evaluation clips (mode 'eval') are fixed (centre clip, centre crop); training
 * clips draw their start frame, crop and flip from rngFor(seed, epoch, index).
 */
import { readFile } from 'node:fs/promises';
import { mapLimit, type AsyncClipSource } from '../batching.js';
import { InMemoryDataset } from '../in-memory.js';
import { permutation, rngFor } from '@stratum/stats';
import type { ClipDataset, ClipSample, ClipShape, FolderOptions, TargetSpec } from '../types.js';
import { checkIndex, checkKeys, enumField, intField, numField, optionalStringField, seedField, stringField, DatasetSpecError } from '../validate.js';
import { decodeVideoClips, decodeVideoFrames, FfmpegMissingError, probeFrameCount } from './ffmpeg.js';
import { parsePnm, type RgbFrame } from './ppm.js';
import type { Rng } from '@stratum/stats';
import { clipSpan, planSpatial, planTemporal, renderClip } from './sampling.js';
import { interleavedOrder, stratifiedFraction } from './order.js';
import { scanFolder, type VideoEntry } from './scan.js';

export interface ResolvedFolder {
  root: string;
  splitFile: string | undefined;
  mode: 'train' | 'eval';
  frames: number;
  stride: number;
  minFrames: number;
  size: number;
  shortSide: number;
  fraction: number;
  maxClips: number;
  seed: number;
  targetName: string;
  concurrency: number;
}

const KEYS = ['root', 'splitFile', 'mode', 'frames', 'stride', 'minFrames', 'size', 'shortSide', 'fraction', 'maxClips', 'seed', 'targetName', 'concurrency'];

export function resolveFolder(opts: FolderOptions): ResolvedFolder {
  const n = 'folder';
  checkKeys(n, opts, KEYS);
  const size = intField(n, opts, 'size', 32, 2, 4096);
  const frames = intField(n, opts, 'frames', 16, 1, 1024);
  const stride = intField(n, opts, 'stride', 4, 1, 1024);
  const span = clipSpan(frames, stride);
  return {
    root: stringField(n, opts, 'root'),
    splitFile: optionalStringField(n, opts, 'splitFile'),
    mode: enumField(n, opts, 'mode', 'eval', ['train', 'eval'] as const),
    frames,
    stride,
    minFrames: intField(n, opts, 'minFrames', span, span),
    size,
    shortSide: intField(n, opts, 'shortSide', Math.ceil((size * 8) / 7), size, 16384),
    fraction: numField(n, opts, 'fraction', 1, { above: 0, max: 1 }),
    maxClips: intField(n, opts, 'maxClips', 1000, 1),
    seed: seedField(n, opts),
    targetName: stringField(n, opts, 'targetName', 'action'),
    concurrency: intField(n, opts, 'concurrency', 2, 1, 64),
  };
}

export interface FolderVideo extends VideoEntry {
  frameCount: number;
}

interface ClipPlan {
  video: FolderVideo;
  /** Training: continues into the spatial plan (crop, flip); evaluation: none (centre). */
  rng: Rng | undefined;
  start: number;
}

export interface UndecodableVideo {
  key: string;
  path: string;
  error: string;
}

/** Counts of the videos a folder dataset uses and leaves out, with a few examples. */
export interface FolderReport {
  videos: number;
  /** Shorter than `minFrames`. */
  droppedShort: number;
  minFrames: number;
  /** ffprobe could not read them. */
  undecodable: number;
  /** Named by the split list, absent on disk. */
  missing: number;
  examples: string[];
}

export class FolderVideos implements AsyncClipSource {
  readonly name = 'folder';
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number] = [0, 1];
  /** Videos whose decoding failed during training (key → error): replaced, and reported. */
  private readonly decodeFailures: Map<string, string>;

  private constructor(
    readonly config: ResolvedFolder,
    readonly classes: string[],
    /** The videos clips come from (long enough, in the split and the fraction). */
    readonly videos: FolderVideo[],
    /** Videos shorter than `minFrames`, left out. */
    readonly dropped: FolderVideo[],
    /** Split-list entries with no video on disk. */
    readonly missing: string[],
    /** Videos ffprobe could not read, left out. */
    readonly undecodable: UndecodableVideo[] = [],
  ) {
    this.decodeFailures = new Map();
    this.size = videos.length;
    this.shape = { frames: config.frames, height: config.size, width: config.size, channels: 3 };
    this.targets = [{ name: config.targetName, numClasses: classes.length, description: `class folder index (${classes.length} classes, sorted names)` }];
  }

  /** Scans the folder, applies the split list and `fraction`, counts frames, drops short videos. */
  static async open(opts: FolderOptions): Promise<FolderVideos> {
    const c = resolveFolder(opts);
    const scan = await scanFolder(c.root, c.splitFile);
    const chosen = c.fraction < 1 ? stratifiedFraction(scan.videos, c.fraction, c.seed) : scan.videos;
    const undecodable: UndecodableVideo[] = [];
    const probed = await mapLimit(chosen, c.concurrency, async (v): Promise<FolderVideo | null> => {
      if (v.kind === 'frames') return { ...v, frameCount: v.frameFiles!.length };
      try {
        return { ...v, frameCount: await probeFrameCount(v.path) };
      } catch (e) {
        if (e instanceof FfmpegMissingError) throw e;
        undecodable.push({ key: v.key, path: v.path, error: e instanceof Error ? e.message : String(e) });
        return null;
      }
    });
    const counted = probed.filter((v): v is FolderVideo => v !== null);
    const videos = counted.filter((v) => v.frameCount >= c.minFrames);
    if (videos.length === 0) {
      const unreadable = undecodable.length ? ` (${undecodable.length} could not be read, e.g. ${undecodable[0]!.path}: ${undecodable[0]!.error.slice(0, 200)})` : '';
      throw new DatasetSpecError('folder', 'minFrames', `(with frames × stride) needs videos of ≥ ${c.minFrames} frames; none of the ${counted.length} readable videos under "${c.root}" is that long${unreadable}`);
    }
    return new FolderVideos(c, scan.classes, videos, counted.filter((v) => v.frameCount < c.minFrames), scan.missing, undecodable);
  }

  /** What was left out and why: for a log line and the run's notes. */
  get report(): FolderReport {
    const failed = [...this.decodeFailures.entries()];
    return {
      videos: this.videos.length,
      droppedShort: this.dropped.length,
      minFrames: this.config.minFrames,
      undecodable: this.undecodable.length + failed.length,
      missing: this.missing.length,
      examples: [
        ...this.dropped.slice(0, 3).map((v) => `${v.key}: ${v.frameCount} frames < ${this.config.minFrames}`),
        ...this.undecodable.slice(0, 3).map((v) => `${v.key}: ${v.error.slice(0, 200)}`),
        ...failed.slice(0, 3).map(([key, error]) => `${key}: failed to decode, replaced by the next video (${error.slice(0, 200)})`),
        ...this.missing.slice(0, 3).map((k) => `${k}: listed but not on disk`),
      ],
    };
  }

  /** Dataset indices class by class in turns (each class's videos in a seeded order): any prefix is close to class-balanced. */
  balancedOrder(seed = this.config.seed): number[] {
    return interleavedOrder(this.videos, seed);
  }

  /**
   * Clip `index`: for training, augmentations are drawn per (seed, epoch, index). In training, a
   * video that fails to decode (after ffprobe accepted it) is replaced by the next one in the
   * dataset that decodes (up to 3 further), deterministically, and counted in `report` as
   * undecodable: one bad file must not end a long run. Evaluation clips fail instead.
   */
  async load(index: number, epoch = 0): Promise<ClipSample> {
    try {
      return await this.loadExactly(index, epoch);
    } catch (error) {
      if (this.config.mode !== 'train' || error instanceof FfmpegMissingError || !(error instanceof Error)) throw error;
      this.decodeFailures.set(this.videos[index]!.key, error.message);
      for (let k = 1; k <= 3 && k < this.size; k++) {
        const other = (index + k) % this.size;
        try {
          return await this.loadExactly(other, epoch);
        } catch (e) {
          if (e instanceof Error) this.decodeFailures.set(this.videos[other]!.key, e.message);
        }
      }
      throw error;
    }
  }

  private async loadExactly(index: number, epoch: number): Promise<ClipSample> {
    const p = this.plan(index, epoch);
    return this.render(p, await this.readFrames(p.video, p.start));
  }

  /**
   * Clips of several (index, epoch) pairs, equal to `load` of each: the video files among them
   * decode in one ffmpeg process (its start-up dominates the cost of a short clip); if that
   * fails, each clip decodes on its own so one bad video fails only its own clip.
   */
  async loadMany(items: ReadonlyArray<{ index: number; epoch: number }>): Promise<ClipSample[]> {
    const plans = items.map(({ index, epoch }) => this.plan(index, epoch));
    const { frames: T, stride } = this.config;
    const videos = plans.filter((p) => p.video.kind === 'video');
    const decoded = new Map<ClipPlan, RgbFrame[]>();
    if (videos.length > 1) {
      const clips = await decodeVideoClips(videos.map((p) => ({ path: p.video.path, start: p.start, stride, count: T }))).catch(() => null);
      clips?.forEach((frames, i) => decoded.set(videos[i]!, frames));
    }
    return Promise.all(plans.map((p, i) => (decoded.has(p) ? this.render(p, this.complete(p.video, p.start, decoded.get(p)!)) : this.load(items[i]!.index, items[i]!.epoch))));
  }

  /** The temporal plan of a clip, and the generator its spatial plan continues from. */
  private plan(index: number, epoch: number): ClipPlan {
    checkIndex(this.name, index, this.size);
    const c = this.config;
    const video = this.videos[index]!;
    const rng = c.mode === 'train' ? rngFor(c.seed, epoch, index) : undefined;
    return { video, rng, start: planTemporal(video.frameCount, c.frames, c.stride, rng).start };
  }

  private render(p: ClipPlan, frames: RgbFrame[]): ClipSample {
    const c = this.config;
    const { width, height } = frames[0]!;
    if (frames.some((f) => f.width !== width || f.height !== height)) throw new Error(`${p.video.path}: frames change size within the clip`);
    const plan = planSpatial(width, height, c.size, c.shortSide, p.rng);
    return { clip: renderClip(frames, c.size, plan), labels: { [c.targetName]: p.video.classIndex } };
  }

  private async readFrames(v: FolderVideo, start: number): Promise<RgbFrame[]> {
    const { frames: T, stride } = this.config;
    if (v.kind === 'frames') {
      const files = Array.from({ length: T }, (_, k) => v.frameFiles![start + k * stride]!);
      return this.complete(v, start, await Promise.all(files.map(async (f) => parsePnm(await readFile(f)).frame)));
    }
    return this.complete(v, start, await decodeVideoFrames(v.path, start, stride, T));
  }

  private complete(v: FolderVideo, start: number, frames: RgbFrame[]): RgbFrame[] {
    if (frames.length === 0) throw new Error(`${v.path}: no frames decoded from frame ${start}`);
    // Packet counts can overstate the decodable frames by one or two at the end: repeat the last.
    while (frames.length < this.config.frames) frames.push(frames[frames.length - 1]!);
    return frames;
  }

  /**
   * Streams clips with at most `concurrency` loads in flight: epochs in order, each in a seeded
   * shuffled order (training default) or in dataset order (evaluation default).
   */
  async *clips(opts: { epochs?: number; startEpoch?: number; shuffle?: boolean } = {}): AsyncGenerator<ClipSample & { index: number; epoch: number }> {
    const { epochs = 1, startEpoch = 0, shuffle = this.config.mode === 'train' } = opts;
    const queue: Promise<ClipSample & { index: number; epoch: number }>[] = [];
    const jobs = (function* (self: FolderVideos) {
      for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
        const order = shuffle ? permutation(self.size, rngFor(self.config.seed, epoch, 0x6570_6f63)) : Int32Array.from({ length: self.size }, (_, i) => i);
        for (const index of order) yield { index, epoch };
      }
    })(this);
    const enqueue = (): void => {
      const job = jobs.next();
      if (job.done) return;
      const { index, epoch } = job.value;
      const p = this.load(index, epoch).then((s) => ({ ...s, index, epoch }));
      p.catch(() => undefined); // surfaced when awaited in order
      queue.push(p);
    };
    for (let i = 0; i < this.config.concurrency; i++) enqueue();
    while (queue.length > 0) {
      const next = await queue.shift()!;
      enqueue();
      yield next;
    }
  }

  /**
   * Loads up to `n` clips (default `maxClips`) into memory: classes interleaved round-robin,
   * each class's videos in a seeded order, so any prefix is close to class-balanced.
   */
  async materialise(n = this.config.maxClips): Promise<ClipDataset & { sources: number[] }> {
    const order = this.balancedOrder().slice(0, n);
    const groups = Array.from({ length: Math.ceil(order.length / 8) }, (_, g) => order.slice(g * 8, g * 8 + 8));
    const samples = (await mapLimit(groups, this.config.concurrency, (g) => this.loadMany(g.map((index) => ({ index, epoch: 0 }))))).flat();
    const ds = new InMemoryDataset(this.name, this.shape, this.targets, this.valueRange, samples);
    return Object.assign(ds, { sources: order });
  }
}

export function folderDataset(opts: FolderOptions): Promise<FolderVideos> {
  return FolderVideos.open(opts);
}
