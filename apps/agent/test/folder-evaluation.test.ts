import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { encodePpm, ffmpegAvailable } from '@stratum/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { FromWorker } from '../src/worker/messages.js';
import { trainJob } from '../src/worker/train-job.js';

const hasFfmpeg = await ffmpegAvailable();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-eval-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A tiny RGB model for 4-frame 16×16 clips: tubelet (2, 8, 8) → 2×2×2 tokens, K = 2 blocks. */
const model = { frames: 4, height: 16, width: 16, channels: 3, tubelet: [2, 8, 8], embedDim: 16, depth: 2, heads: 2, decoderDim: 16, decoderDepth: 1, decoderHeads: 2 };

async function runJob(config: Record<string, unknown>) {
  const sent: FromWorker[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  const checkpointDir = fs.mkdtempSync(path.join(dir, 'ckpt-'));
  const outcome = await trainJob(
    { kind: 'TRAIN', jobId: 'j', runId: 'r', config, backend: 'wasm', resumeFrom: null, checkpointDir },
    { log: createLogger('info', {}, sink), signal: new AbortController().signal, send: async (m) => void sent.push(m) },
  );
  const evaluation = sent.find((m) => m.type === 'evaluation');
  if (evaluation?.type !== 'evaluation') throw new Error('no evaluation message');
  return { outcome, sent, evaluation, lines };
}

describe('folder runs: the train → test protocol', () => {
  it('fits the probe on train-split clips and scores it on a held-out part of the test split, 3 repeats', async () => {
    // UCF101 layout with frame folders: 3 classes, 5 training and 4 test videos each.
    const root = path.join(dir, 'frames');
    const train: string[] = [];
    const test: string[] = [];
    ['Archery', 'Biking', 'Diving'].forEach((cls, c) => {
      for (let v = 0; v < 9; v++) {
        const video = path.join(root, cls, `v_${cls}_g${v}`);
        fs.mkdirSync(video, { recursive: true });
        for (let t = 0; t < 9; t++) {
          const data = new Uint8Array(20 * 18 * 3).map((_, i) => (i % 3 === c ? 200 : 30) + ((i * 13 + t * 7 + v * 5) % 40));
          fs.writeFileSync(path.join(video, `${t}.ppm`), encodePpm({ width: 20, height: 18, data }));
        }
        (v < 5 ? train : test).push(`${cls}/v_${cls}_g${v}.avi ${c + 1}`);
      }
    });
    fs.mkdirSync(path.join(root, 'splits'));
    fs.writeFileSync(path.join(root, 'splits', 'trainlist01.txt'), `${train.join('\n')}\n`);
    fs.writeFileSync(path.join(root, 'splits', 'testlist01.txt'), `${test.map((l) => l.split(' ')[0]).join('\n')}\n`);

    const { outcome, evaluation, lines } = await runJob({
      preset: 'nano', regime: 'simultaneous', blocks: 2, steps: 2, batchSize: 4, checkpointEvery: 0, model,
      dataset: { name: 'folder', root, splitFile: 'splits/trainlist01.txt', frames: 4, stride: 2, size: 16 },
      evaluation: { testFraction: 0.5, tokenClips: 4 },
    });
    expect(outcome.drained).toBe(false);
    const probes = evaluation.evaluations.filter((e) => e.kind === 'LINEAR_PROBE' && e.metric === 'accuracy' && e.dataset === 'folder/test');
    expect(probes.map((e) => [e.target, e.depth])).toEqual([['action', 1], ['action', 2]]);
    for (const p of probes) {
      expect(p.folds).toHaveLength(3); // one accuracy per repeat; the value is their mean
      expect(p.value).toBeCloseTo(p.folds!.reduce((a, b) => a + b, 0) / 3, 12);
      expect(p.n).toBe(6); // half of each class's 4 test videos, not the 15 training videos
    }
    expect(evaluation.evaluations.some((e) => e.kind === 'KNN_RETRIEVAL' && e.metric === 'mAP')).toBe(true);
    expect(evaluation.evaluations.filter((e) => e.metric === 'attentionDistanceSpatial' && e.dataset === 'folder/test').map((e) => e.depth)).toEqual([1, 2]);
    // Single and double gratings evaluated in the same job, each under its own dataset name and targets.
    const byDataset = new Map<string, Set<string>>();
    for (const e of evaluation.evaluations.filter((r) => r.kind === 'LINEAR_PROBE')) byDataset.set(e.dataset, new Set([...(byDataset.get(e.dataset) ?? []), e.target]));
    expect([...byDataset.keys()]).toEqual(['folder/test', 'gratings/grid', 'double-gratings/grid']);
    expect(byDataset.get('gratings/grid')).toContain('orientation');
    expect([...byDataset.get('double-gratings/grid')!].some((t) => /delta|match|higher/i.test(t))).toBe(true);
    expect(new Set(evaluation.patchDiagnostics.map((p) => p.dataset))).toEqual(new Set(['folder/test', 'gratings/grid', 'double-gratings/grid']));
    const done = lines.find((l) => l.msg === 'evaluation suite finished (train → test probe)');
    expect(done).toMatchObject({ trainClips: 15, testClips: 6, repeats: 3, testSplit: 'splits/testlist01.txt' });
  }, 60_000);

  it.skipIf(!hasFfmpeg)('a UCF-like folder of 101 classes of ffmpeg videos trains by streaming and evaluates with default settings (needs ffmpeg)', async () => {
    const started = performance.now();
    const root = path.join(dir, 'ucf');
    const classes = Array.from({ length: 101 }, (_, c) => `Class${String(c).padStart(3, '0')}`);
    classes.forEach((cls) => fs.mkdirSync(path.join(root, cls), { recursive: true }));
    // One ffmpeg process writes every video: a test pattern tinted per class, 12 frames each.
    const outputs = classes.flatMap((cls, c) =>
      ['g01', 'g02'].flatMap((g, v) => ['-map', '0', '-vf', `hue=h=${c * 3.5},eq=brightness=${v * 0.05}`, '-c:v', 'mpeg4', path.join(root, cls, `v_${cls}_${g}.avi`)]),
    );
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=24x20:r=8:d=1.5', ...outputs, '-map', '0', '-frames:v', '3', '-c:v', 'mpeg4', path.join(root, classes[0]!, 'v_short_g03.avi')]);
    fs.writeFileSync(path.join(root, classes[1]!, 'v_broken_g03.avi'), 'not a video');
    fs.mkdirSync(path.join(root, 'ucfTrainTestlist'));
    const list = (g: string) => classes.map((cls) => `${cls}/v_${cls}_${g}.avi`);
    fs.writeFileSync(path.join(root, 'ucfTrainTestlist', 'classInd.txt'), classes.map((cls, c) => `${c + 1} ${cls}`).join('\n'));
    fs.writeFileSync(path.join(root, 'ucfTrainTestlist', 'trainlist01.txt'), [...list('g01'), `${classes[0]}/v_short_g03.avi`, `${classes[1]}/v_broken_g03.avi`].join('\n'));
    fs.writeFileSync(path.join(root, 'ucfTrainTestlist', 'testlist01.txt'), list('g02').join('\n'));

    const { outcome, sent, evaluation } = await runJob({
      preset: 'nano', regime: 'sequential', blocks: 2, steps: 2, batchSize: 4, checkpointEvery: 0, model,
      dataset: { name: 'folder', root, splitFile: 'ucfTrainTestlist/trainlist01.txt', frames: 4, stride: 2, size: 16 },
    });
    expect(performance.now() - started).toBeLessThan(60_000); // generating, training and evaluating (≈ 9 s here)
    if (outcome.drained) throw new Error('drained');
    expect(outcome.summary.data).toMatchObject({ videos: 101, droppedShort: 1, undecodable: 1, missing: 0 });
    const metrics = sent.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    expect(metrics.filter((p) => p.key.startsWith('data/')).map((p) => [p.key, p.value])).toEqual([['data/videos', 101], ['data/dropped_short', 1], ['data/undecodable', 1], ['data/missing', 0]]);
    const ucf = evaluation.evaluations.filter((e) => e.dataset === 'folder/test');
    const probes = ucf.filter((e) => e.kind === 'LINEAR_PROBE');
    expect(probes).toHaveLength(2);
    for (const p of probes) expect(p).toMatchObject({ target: 'action', n: 101, folds: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    // One test clip per class: no query has a relevant item, so no retrieval rows, and no crash.
    expect(ucf.some((e) => e.kind === 'KNN_RETRIEVAL')).toBe(false);
    expect(ucf.some((e) => e.kind === 'GEOMETRY')).toBe(true);
    expect(new Set(evaluation.evaluations.map((e) => e.dataset))).toEqual(new Set(['folder/test', 'gratings/grid', 'double-gratings/grid']));
  }, 120_000);
});
