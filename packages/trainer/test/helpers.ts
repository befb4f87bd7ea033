/** Small configs and data so every test trains in well under a second. */
import { InMemoryDataset, type ClipDataset } from '@stratum/datasets';
import { resolveRunConfig, type RunConfig, type RunConfigInput } from '@stratum/run-config';
import { Prng } from '@stratum/stats';

/**
 * A toy model: 4×8×8×1 clips, tubelet (2,2,2) → 2×4×4 = 32 tokens, mask 0.75 → 8 visible;
 * width 16 with 2 heads (head dim 8), depth 4, decoder 1×16×2.
 */
export const TOY_MODEL = {
  frames: 4,
  height: 8,
  width: 8,
  channels: 1,
  tubelet: [2, 2, 2] as [number, number, number],
  embedDim: 16,
  depth: 4,
  heads: 2,
  decoderDim: 16,
  decoderDepth: 1,
  decoderHeads: 2,
  maskRatio: 0.75,
};

export function toyConfig(overrides: Partial<RunConfigInput> = {}): RunConfig {
  return resolveRunConfig({
    preset: 'nano',
    model: TOY_MODEL,
    dataset: { name: 'moving-mnist' },
    steps: 6,
    batchSize: 4,
    backend: 'wasm',
    checkpointEvery: 0,
    optimizer: { lr: 2e-3, warmupSteps: 1 },
    ...overrides,
  });
}

/** Deterministic synthetic clips (a bright square drifting over noise), labels: direction. */
export function toyDataset(size = 16, shape = { frames: 4, height: 8, width: 8, channels: 1 }, seed = 1): ClipDataset {
  const rng = Prng.fromSeed(seed, 'toy-data');
  const samples = Array.from({ length: size }, () => {
    const { frames: T, height: H, width: W, channels: C } = shape;
    const clip = new Float32Array(T * H * W * C);
    const dir = rng.nextInt(2);
    const x0 = rng.nextInt(W - 2), y0 = rng.nextInt(H - 2);
    for (let t = 0; t < T; t++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let c = 0; c < C; c++) {
            const sx = (x0 + (dir ? t : 0)) % W, sy = (y0 + (dir ? 0 : t)) % H;
            const inside = x >= sx && x < sx + 2 && y >= sy && y < sy + 2;
            clip[((t * H + y) * W + x) * C + c] = (inside ? 0.9 : 0) + 0.1 * rng.nextFloat();
          }
    return { clip, labels: { direction: dir } };
  });
  return new InMemoryDataset('toy', shape, [{ name: 'direction', numClasses: 2, description: 'square drifts right (1) or down (0)' }], [0, 1], samples);
}

/** Random normal Float32Array from the trainer's PRNG. */
export function randn(n: number, seed = 0, scale = 1): Float32Array {
  const rng = Prng.fromSeed(seed, 'test');
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
