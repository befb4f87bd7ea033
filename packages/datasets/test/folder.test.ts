import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchStreamAsync } from '../src/batching.js';
import { createDataset } from '../src/create.js';
import { aviFrameCount, ffmpegAvailable, FfmpegMissingError } from '../src/folder/ffmpeg.js';
import { FolderVideos } from '../src/folder/folder-dataset.js';
import { encodePpm, parsePnm, parsePnmStream } from '../src/folder/ppm.js';

// Fixture frames encode where each value came from: R = 8·frame, G = 16·x, B = 16·y.
const W = 12;
const H = 10;
function frameBytes(t: number, w = W, h = H): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([8 * t, 16 * x, 16 * y], (y * w + x) * 3);
  return data;
}
function writeFrameFolder(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  // Unpadded names: natural ordering must put 2 before 10.
  for (let t = 0; t < count; t++) writeFileSync(join(dir, `frame${t}.ppm`), encodePpm({ width: W, height: H, data: frameBytes(t) }));
}

/** Channel c of pixel (t, y, x) of a [T, S, S, 3] clip, back in bytes. */
const at = (clip: Float32Array, S: number, t: number, y: number, x: number, c: number) => Math.round(clip[((t * S + y) * S + x) * 3 + c]! * 255 * 1000) / 1000;

const hasFfmpeg = await ffmpegAvailable();
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stratum-folder-'));
  writeFrameFolder(join(root, 'ClassA', 'vid1'), 20);
  writeFrameFolder(join(root, 'ClassA', 'vid3'), 16);
  writeFrameFolder(join(root, 'ClassB', 'vid2'), 30);
  writeFrameFolder(join(root, 'classc', 'short'), 5);
  writeFileSync(join(root, 'trainlist.txt'), 'classa/VID1.avi 1\nClassB/missing.avi 2\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PPM frames', () => {
  it('round-trips P6 and reads P5 grey and comment lines', () => {
    const data = frameBytes(3, 4, 2);
    const { frame } = parsePnm(encodePpm({ width: 4, height: 2, data }));
    expect(frame).toEqual({ width: 4, height: 2, data });
    const pgm = new Uint8Array([...new TextEncoder().encode('P5\n# a comment\n2 1\n255\n'), 7, 200]);
    expect([...parsePnm(pgm).frame.data]).toEqual([7, 7, 7, 200, 200, 200]);
    const stream = new Uint8Array([...encodePpm({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]) }), ...encodePpm({ width: 1, height: 1, data: new Uint8Array([4, 5, 6]) })]);
    expect(parsePnmStream(stream).map((f) => [...f.data])).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(() => parsePnm(new TextEncoder().encode('P3\n1 1\n255\n0 0 0'))).toThrow(/P6/);
  });
});

describe('folder dataset (PPM frame folders)', () => {
  const evalOpts = { frames: 4, stride: 3, size: 8, shortSide: 10 }; // span 10 frames; shortSide = H → scale 1

  it('finds classes case-insensitively sorted and drops videos shorter than a clip', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts });
    expect(f.classes).toEqual(['ClassA', 'ClassB', 'classc']);
    expect(f.videos.map((v) => [v.key, v.classIndex, v.frameCount])).toEqual([['ClassA/vid1', 0, 20], ['ClassA/vid3', 0, 16], ['ClassB/vid2', 1, 30]]);
    expect(f.dropped.map((v) => v.key)).toEqual(['classc/short']);
    expect(f.targets).toEqual([{ name: 'action', numClasses: 3, description: expect.any(String) }]);
  });

  it('evaluation: centred frames at the stride and a centre crop', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts });
    const { clip, labels } = await f.load(0); // vid1: 20 frames, slack 10 → start 5
    expect(labels).toEqual({ action: 0 });
    expect(clip.length).toBe(4 * 8 * 8 * 3);
    // Crop offset ((12-8)/2, (10-8)/2) = (2, 1).
    for (let t = 0; t < 4; t++) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          expect([at(clip, 8, t, y, x, 0), at(clip, 8, t, y, x, 1), at(clip, 8, t, y, x, 2)]).toEqual([8 * (5 + 3 * t), 16 * (x + 2), 16 * (y + 1)]);
        }
      }
    }
    expect((await f.load(0)).clip).toEqual(clip);
  });

  it('training: random start within the video, random crop inside the frame, and flips', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts, mode: 'train', seed: 5 });
    const starts = new Set<number>();
    const offsets = new Set<string>();
    let flips = 0;
    for (let epoch = 0; epoch < 40; epoch++) {
      const { clip } = await f.load(2, epoch); // vid2: 30 frames → start in [0, 20]
      const start = at(clip, 8, 0, 0, 0, 0) / 8;
      for (let t = 0; t < 4; t++) expect(at(clip, 8, t, 3, 3, 0)).toBe(8 * (start + 3 * t));
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThanOrEqual(20);
      starts.add(start);
      const row = Array.from({ length: 8 }, (_, x) => at(clip, 8, 0, 0, x, 1) / 16);
      const flipped = row[0]! > row[7]!;
      const x0 = Math.min(...row);
      expect(row).toEqual(Array.from({ length: 8 }, (_, x) => (flipped ? x0 + 7 - x : x0 + x)));
      const y0 = at(clip, 8, 0, 0, 0, 2) / 16;
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(x0).toBeLessThanOrEqual(W - 8);
      expect(y0).toBeGreaterThanOrEqual(0);
      expect(y0).toBeLessThanOrEqual(H - 8);
      offsets.add(`${x0},${y0}`);
      if (flipped) flips++;
    }
    expect(starts.size).toBeGreaterThan(5);
    expect(offsets.size).toBeGreaterThan(4);
    expect(flips).toBeGreaterThan(5);
    expect(flips).toBeLessThan(35);
    const again = await FolderVideos.open({ root, ...evalOpts, mode: 'train', seed: 5 });
    expect((await again.load(2, 7)).clip).toEqual((await f.load(2, 7)).clip);
  });

  it('resizes by area averaging: short side 5 halves the 12×10 frames before the crop', async () => {
    const f = await FolderVideos.open({ root, frames: 1, stride: 1, size: 4, shortSide: 5 });
    const { clip } = await f.load(0);
    // Scaled frame 6×5; centre crop offset (1, 0) in scaled pixels = (2, 0) in source pixels.
    // Output x averages source columns 2+2x and 3+2x; output y averages rows 2y and 2y+1.
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        expect(at(clip, 4, 0, y, x, 1)).toBeCloseTo(16 * (2.5 + 2 * x), 2);
        expect(at(clip, 4, 0, y, x, 2)).toBeCloseTo(16 * (0.5 + 2 * y), 2);
      }
    }
  });

  it('applies a split list, matching class and name case-insensitively', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts, splitFile: 'trainlist.txt' });
    expect(f.videos.map((v) => v.key)).toEqual(['ClassA/vid1']);
    expect(f.missing).toEqual(['classb/missing']);
    expect(f.targets[0]!.numClasses).toBe(3);
  });

  it('streams every clip once with bounded concurrency, and batches asynchronously', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts, concurrency: 2 });
    const seen: number[] = [];
    for await (const c of f.clips()) {
      seen.push(c.index);
      expect(c.clip).toEqual((await f.load(c.index)).clip);
    }
    expect(seen).toEqual([0, 1, 2]);
    const shuffled: number[] = [];
    for await (const c of f.clips({ shuffle: true, epochs: 2 })) shuffled.push(c.index);
    expect(shuffled.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(shuffled.slice(3).sort()).toEqual([0, 1, 2]);
    const it = batchStreamAsync(f, { batchSize: 2, seed: 1 });
    const b = (await it.next()).value;
    expect(b.shape).toEqual([2, 4, 8, 8, 3]);
    await it.return(undefined as never);
  });

  it('materialises a class-interleaved evaluation set; createDataset returns it', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts });
    const m = await f.materialise(2);
    expect(m.size).toBe(2);
    expect(m.sources.map((i) => f.videos[i]!.classIndex).sort()).toEqual([0, 1]);
    for (let i = 0; i < 2; i++) expect(m.get(i)).toEqual(await f.load(m.sources[i]!));
    const ds = await createDataset({ name: 'folder', root, ...evalOpts, maxClips: 3 });
    expect(ds.size).toBe(3);
    expect(ds.shape).toEqual({ frames: 4, height: 8, width: 8, channels: 3 });
  });

  it('keeps a stratified fraction of each class', async () => {
    const f = await FolderVideos.open({ root, ...evalOpts, fraction: 0.5, seed: 2 });
    // ClassA 2 videos → 1, ClassB 1 → 1 (at least one per class), classc 1 → 1 then dropped as short.
    expect(f.videos.filter((v) => v.classIndex === 0)).toHaveLength(1);
    expect(f.videos.filter((v) => v.classIndex === 1)).toHaveLength(1);
  });

  it('rejects bad specs naming the field, and a clip longer than every video', async () => {
    await expect(FolderVideos.open({ root, frames: 0 })).rejects.toThrow(/"frames"/);
    await expect(FolderVideos.open({ root, size: 16, shortSide: 8 })).rejects.toThrow(/"shortSide"/);
    await expect(FolderVideos.open({ root, frames: 16, stride: 4 })).rejects.toThrow(/≥ 61 frames/);
    await expect(FolderVideos.open({ root: join(root, 'nope') })).rejects.toThrow(/cannot read root/);
    await expect(FolderVideos.open({ root, ...evalOpts, minFrames: 9 })).rejects.toThrow(/"minFrames" must be an integer >= 10/);
    const strict = await FolderVideos.open({ root, ...evalOpts, minFrames: 17 }); // vid3 has 16 frames
    expect(strict.videos.map((v) => v.key)).toEqual(['ClassA/vid1', 'ClassB/vid2']);
  });
});

// Each of these tests starts ffmpeg and ffprobe processes, up to about thirty of them: on a loaded
// 2-core CI machine that took longer than vitest's default 5 s (seen once, at 5.0 s).
describe('folder dataset (video files through ffmpeg)', { timeout: 30_000 }, () => {
  it('names ffmpeg when it is not on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-noffmpeg-'));
    mkdirSync(join(dir, 'Jump'));
    writeFileSync(join(dir, 'Jump', 'v1.avi'), 'not really a video');
    const path = process.env.PATH;
    process.env.PATH = dir; // no ffmpeg/ffprobe here
    try {
      const err = await FolderVideos.open({ root: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FfmpegMissingError);
      expect(String(err)).toMatch(/ffprobe was not found on PATH.*apt-get install ffmpeg/);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasFfmpeg)('decodes a lossless video to the same clips as its frame folder (needs ffmpeg and ffprobe on PATH; skipped without them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-video-'));
    try {
      writeFrameFolder(join(dir, 'frames', 'Wave', 'clip'), 24);
      mkdirSync(join(dir, 'video', 'Wave'), { recursive: true });
      execFileSync('ffmpeg', ['-v', 'error', '-framerate', '25', '-i', join(dir, 'frames', 'Wave', 'clip', 'frame%d.ppm'), '-c:v', 'ffv1', join(dir, 'video', 'Wave', 'clip.mkv')]);
      for (const mode of ['eval', 'train'] as const) {
        const opts = { frames: 5, stride: 2, size: 8, shortSide: 10, mode, seed: 3 };
        const fromFrames = await FolderVideos.open({ root: join(dir, 'frames'), ...opts });
        const fromVideo = await FolderVideos.open({ root: join(dir, 'video'), ...opts });
        expect(fromVideo.videos[0]!.frameCount).toBe(24);
        for (const epoch of [0, 1, 2]) expect((await fromVideo.load(0, epoch)).clip).toEqual((await fromFrames.load(0, epoch)).clip);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasFfmpeg)('leaves out and reports videos ffprobe cannot read (needs ffmpeg on PATH)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-broken-'));
    try {
      writeFrameFolder(join(dir, 'Wave', 'good'), 12);
      writeFrameFolder(join(dir, 'Wave', 'tiny'), 3);
      writeFileSync(join(dir, 'Wave', 'broken.avi'), 'not really a video');
      writeFileSync(join(dir, 'list.txt'), 'Wave/good.avi\nWave/tiny.avi\nWave/broken.avi\nWave/gone.avi\n');
      const f = await FolderVideos.open({ root: dir, splitFile: 'list.txt', frames: 4, stride: 2, size: 8, shortSide: 10 });
      expect(f.videos.map((v) => v.key)).toEqual(['Wave/good']);
      expect(f.report).toMatchObject({ videos: 1, droppedShort: 1, minFrames: 7, undecodable: 1, missing: 1 });
      expect(f.report.examples.join('\n')).toMatch(/Wave\/tiny: 3 frames < 7[\s\S]*Wave\/broken: ffprobe exited[\s\S]*wave\/gone: listed but not on disk/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasFfmpeg)('reads an AVI frame count from its header, as ffprobe counts it (needs ffmpeg on PATH)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-avi-'));
    try {
      const file = join(dir, 'clip.avi');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=24x20:r=8:d=2.125', '-c:v', 'mpeg4', file]);
      expect(await aviFrameCount(file)).toBe(17);
      writeFileSync(join(dir, 'x.avi'), 'RIFF....AVI not really');
      expect(await aviFrameCount(join(dir, 'x.avi'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasFfmpeg)('decodes several clips in one ffmpeg process, equal to one by one (needs ffmpeg on PATH)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-many-'));
    try {
      mkdirSync(join(dir, 'Run'));
      for (const [i, hue] of [0, 90, 180].entries()) {
        execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=24x20:r=8:d=${2 + i * 0.5}`, '-vf', `hue=h=${hue}`, '-c:v', 'ffv1', join(dir, 'Run', `v${i}.avi`)]);
      }
      for (const mode of ['train', 'eval'] as const) {
        const f = await FolderVideos.open({ root: dir, frames: 4, stride: 3, size: 12, mode, seed: 5 });
        const items = [{ index: 0, epoch: 0 }, { index: 1, epoch: 3 }, { index: 2, epoch: 1 }, { index: 0, epoch: 2 }];
        const many = await f.loadMany(items);
        for (const [j, { index, epoch }] of items.entries()) expect(many[j]).toEqual(await f.load(index, epoch));
      }
      // A video gone bad after opening: the group decodes clip by clip and the error names that video.
      const f = await FolderVideos.open({ root: dir, frames: 4, stride: 3, size: 12 });
      const t = await FolderVideos.open({ root: dir, frames: 4, stride: 3, size: 12, mode: 'train', seed: 5 });
      writeFileSync(join(dir, 'Run', 'v1.avi'), 'gone bad');
      await expect(f.loadMany([{ index: 0, epoch: 0 }, { index: 1, epoch: 0 }])).rejects.toThrow(/v1\.avi/);
      // In training the bad video is replaced by the next one (deterministically) and reported.
      expect(await t.load(1, 4)).toEqual(await t.load(2, 4));
      expect((await t.loadMany([{ index: 0, epoch: 4 }, { index: 1, epoch: 4 }]))[1]).toEqual(await t.load(2, 4));
      expect(t.report.undecodable).toBe(1);
      expect(t.report.examples.join('\n')).toMatch(/Run\/v1: failed to decode, replaced by the next video/);
      expect((await f.loadMany([{ index: 0, epoch: 0 }, { index: 2, epoch: 0 }])).map((s) => s.clip.length)).toEqual([4 * 12 * 12 * 3, 4 * 12 * 12 * 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
