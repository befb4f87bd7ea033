/**
 * Throughput of clip generation and batching: `npm run bench -w @stratum/datasets`.
 * Prints ms per clip for each synthetic dataset at the CPU preset (16 × 32 × 32) and clips/s of
 * batchStream at batch 32; the last line is machine-readable.
 */
import { batchStream, doubleGratings, gratings, movingMnist, type ClipDataset } from '../src/index.js';

function perClip(ds: ClipDataset, n: number): number {
  for (let i = 0; i < Math.min(n, 50); i++) ds.get(i % ds.size); // warm caches and the JIT
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ds.get(i % ds.size);
  return (performance.now() - t0) / n;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const t0 = performance.now();
const mm = movingMnist({ seed: 0, count: 10_000 });
mm.get(0);
out(`moving-mnist first clip (loads and resizes MNIST): ${(performance.now() - t0).toFixed(0)} ms`);
const mmMs = perClip(mm, 5000);
const gMs = perClip(gratings({ grid: 'small' }), 2000);
const dMs = perClip(doubleGratings({ grid: 'small' }), 2000);
const gPaperMs = perClip(gratings(), 200);
out(`moving-mnist 16×32×32×1: ${mmMs.toFixed(4)} ms/clip`);
out(`gratings 16×32×32×3: ${gMs.toFixed(4)} ms/clip`);
out(`double-gratings 16×32×32×3: ${dMs.toFixed(4)} ms/clip`);
out(`gratings paper grid 16×128×128×3: ${gPaperMs.toFixed(4)} ms/clip`);
const it = batchStream(mm, { batchSize: 32, seed: 0 });
it.next();
const t1 = performance.now();
const steps = 100;
for (let s = 0; s < steps; s++) it.next();
const clipsPerS = (steps * 32) / ((performance.now() - t1) / 1000);
out(`batchStream(moving-mnist, batch 32): ${clipsPerS.toFixed(0)} clips/s`);
out(`RESULT datasets moving_mnist_ms=${mmMs.toFixed(4)} gratings_ms=${gMs.toFixed(4)} double_gratings_ms=${dMs.toFixed(4)} batch_clips_per_s=${clipsPerS.toFixed(0)}`);
