import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePpm, FolderVideos, type AsyncClipSource, type ClipSample } from '@stratum/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import type { Logger } from '../src/log.js';
import { train } from '../src/train/loop.js';
import { TOY_MODEL, toyConfig } from './helpers.js';

// Five 12×10 RGB videos of 9 frames in two classes, plus one too short for a 4-frame clip.
let root: string;
function writeVideo(dir: string, frames: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  for (let t = 0; t < frames; t++) {
    const data = new Uint8Array(12 * 10 * 3).map((_, i) => (i * 7 + t * 31 + seed * 101) % 256);
    writeFileSync(join(dir, `${t + 1}.ppm`), encodePpm({ width: 12, height: 10, data }));
  }
}
beforeAll(async () => {
  await selectBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'stratum-stream-'));
  ['Jump/a', 'Jump/b', 'Jump/c', 'Run/d', 'Run/e'].forEach((v, i) => writeVideo(join(root, v), 9, i));
  writeVideo(join(root, 'Run', 'short'), 3, 9);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const clipOpts = { frames: 4, stride: 2, size: 8, shortSide: 10 };
const folder = { name: 'folder' as const, ...clipOpts };
const config = (steps: number, batchSize: number) =>
  toyConfig({ model: { ...TOY_MODEL, channels: 3 }, dataset: { ...folder, root }, steps, batchSize });

describe('training on a folder of videos', () => {
  it('streams the whole split with fresh crops every epoch, loading ahead in bounded memory', async () => {
    const videos = await FolderVideos.open({ ...clipOpts, root, mode: 'train' });
    const loads: Array<{ index: number; epoch: number; clip: Float32Array }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const recording: AsyncClipSource = {
      name: videos.name, shape: videos.shape, size: videos.size, targets: videos.targets, valueRange: videos.valueRange,
      async load(index: number, epoch: number): Promise<ClipSample> {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          const s = await videos.load(index, epoch);
          loads.push({ index, epoch, clip: s.clip });
          return s;
        } finally {
          inFlight--;
        }
      },
    };
    const summary = await train(config(4, 5), { dataset: recording, loadConcurrency: 2, prefetch: 1 });
    expect(summary.steps).toBe(4);
    // 4 steps of 5 = 4 epochs of the 5 videos; one batch loaded ahead, then the stream stops.
    expect(loads.length).toBeLessThanOrEqual((4 + 1) * 5);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    for (const epoch of [0, 1, 2, 3]) expect(loads.filter((l) => l.epoch === epoch).map((l) => l.index).sort()).toEqual([0, 1, 2, 3, 4]);
    for (let index = 0; index < 5; index++) {
      const [first, second] = [0, 1].map((epoch) => loads.find((l) => l.index === index && l.epoch === epoch)!.clip);
      expect(first).not.toEqual(second); // a new start frame / crop / flip each time the video is drawn
    }
  });

  it('builds the stream from a folder spec and reports the videos it leaves out', async () => {
    const lines: Array<{ obj: object; msg?: string }> = [];
    const log: Logger = { info: (obj, msg) => void lines.push({ obj, msg }), warn: (obj, msg) => void lines.push({ obj, msg }) };
    const summary = await train(config(2, 3), { log });
    expect(summary.data).toMatchObject({ videos: 5, droppedShort: 1, minFrames: 7, undecodable: 0, missing: 0 });
    expect(lines.find((l) => /training data/.test(l.msg ?? ''))?.msg).toMatch(/5 videos; left out 1 shorter than 7 frames/);
  });
});
