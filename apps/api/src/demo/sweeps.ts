// The "paper in miniature": the paper's grid at CPU scale — Moving MNIST instead of UCF101, the
// `nano` preset (6 layers, the paper's 2×8×8 token grid) instead of DeiT, two partition
// granularities with the paper's layers-per-block (K=2: 3 layers per block like the paper's K=4;
// K=3: 2 like K=6), and the three regimes, evaluated at every block boundary at the end.

export interface DemoSweep {
  project: string;
  name: string;
  factors: { modelSizes: string[]; blocks: number[]; modes: string[]; seeds: number[] };
  dataset: Record<string, unknown>;
  steps: number;
  evaluation: Record<string, unknown>;
  overrides: Record<string, unknown>;
}

export const FULL_SWEEP: DemoSweep = {
  project: 'demo',
  name: 'paper-in-miniature',
  // Three seeds per cell so the grid's 95% intervals are real (Student t, 2 df); batch 16 halves
  // each step so the 18 runs fit the same budget the 6 single-seed runs of batch 32 took.
  factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1, 2] },
  dataset: { name: 'moving-mnist', count: 4096 },
  steps: 300,
  evaluation: { clips: 320, tokenClips: 48 },
  overrides: { batchSize: 16 },
};

/** The three regimes at K=2, a few steps each: proves the whole loop (claim → train → evaluate →
 * report → cross-run CKA) well inside two minutes. */
export const QUICK_SWEEP: DemoSweep = {
  project: 'demo-quick',
  name: 'quick',
  factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0] },
  dataset: { name: 'moving-mnist', count: 512 },
  steps: 16,
  evaluation: { clips: 96, tokenClips: 16 },
  overrides: { batchSize: 16 },
};

/** The target the demo's findings compare probes on (the dataset's first, its content class). */
export function probeTarget(sweep: DemoSweep): string {
  return sweep.dataset.name === 'moving-mnist' ? 'digit' : 'orientation';
}
