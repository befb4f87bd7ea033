// The browser tests' dataset, generated deterministically in memory first (so tests compute
// their expectations from it, independently of the dashboard and the API), then written to
// PostgreSQL in bulk. A paper-shaped grid (2 sizes × K∈{4,6} × 3 regimes × 3 seeds) with
// evaluations, CKA, patch diagnostics and loss curves, plus a bulk sweep that brings the
// database to 500 runs.

export const MODES = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'] as const;
export type Mode = (typeof MODES)[number];
export type Status = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';


export const FINAL_STEP = 1000;
export const LOG_EVERY = 10;
export const EVAL_STEPS = [500, 1000];

/** mulberry32: small, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedRun {
  /** The API's name for the run (filled in once the sweep is created). */
  name: string;
  /** Where it sits in the grid: size|K|mode|seed. */
  key: string;
  sweep: string;
  mode: Mode;
  modelSize: string;
  blocks: number;
  seed: number;
  status: Status;
  tags: string[];
  error: string | null;
  /** Probe accuracy (target "action") per block 1..K at each evaluation step reached. */
  probe: Map<number, number[]>;
  /** Retrieval mAP per block at each evaluation step. */
  map: Map<number, number[]>;
  /** K×K linear CKA at the final evaluation step (row-major). */
  cka: number[] | null;
  /** Per block: token cosine, OccDrop, effective rank at the final evaluation step. */
  patch: Array<{ block: number; tokenCosine: number; occDrop: number; effectiveRank: number }>;
  /** Reconstruction error over the (t, h, w) = (2, 8, 8) token grid at the last block. */
  recon: number[] | null;
  /** Last step with logged metrics (FINAL_STEP when finished). */
  lastStep: number;
  createdMinutesAgo: number;
}

/** Loss at a step for block b (0 = whole model) — the same formula the SQL insert uses. */
export function lossAt(run: Pick<SeedRun, 'seed' | 'blocks' | 'mode'>, block: number, step: number): number {
  const depthTerm = block === 0 ? 0 : 0.05 * block;
  const base = 0.35 + depthTerm + (run.mode === 'E2E' ? 0 : 0.02);
  const wobble = 0.01 * Math.sin(step / 37 + run.seed + block);
  return base + 0.9 * Math.exp(-step / 220) + wobble;
}

function probeCurve(rand: () => number, size: string, mode: Mode, blocks: number): number[] {
  // Final-block accuracies ≈ the paper's table; blockwise decodes earlier, E2E gains late.
  const final: Record<string, Record<Mode, number>> = {
    tiny: { E2E: 0.334, BLOCKWISE_SIMULTANEOUS: 0.327, BLOCKWISE_SEQUENTIAL: 0.33 },
    small: { E2E: 0.43, BLOCKWISE_SIMULTANEOUS: 0.403, BLOCKWISE_SEQUENTIAL: 0.4 },
  };
  const top = (final[size]?.[mode] ?? 0.3) - (blocks === 6 ? 0.008 : 0);
  const first = mode === 'E2E' ? top - 0.09 : top - 0.03;
  return Array.from({ length: blocks }, (_, i) => {
    const t = blocks === 1 ? 1 : i / (blocks - 1);
    const shape = mode === 'E2E' ? t * t : Math.sqrt(t);
    return round4(first + (top - first) * shape + (rand() - 0.5) * 0.012);
  });
}

function ckaMatrix(rand: () => number, mode: Mode, blocks: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < blocks; i++) {
    for (let j = 0; j < blocks; j++) {
      if (i === j) { out.push(1); continue; }
      const gap = Math.abs(i - j);
      const late = Math.min(i, j) / blocks;
      const consecutive = mode === 'E2E' ? 0.9 + 0.06 * late : 0.975 + 0.02 * late;
      out.push(round4(Math.max(0, Math.pow(consecutive, gap) - rand() * 0.004)));
    }
  }
  // Symmetrise.
  for (let i = 0; i < blocks; i++) for (let j = 0; j < i; j++) out[i * blocks + j] = out[j * blocks + i]!;
  return out;
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export interface SeedSweep { name: string; project: string; runs: SeedRun[] }

export interface SeedData {
  projects: Array<{ name: string; description: string }>;
  sweeps: SeedSweep[];
  /** The run that is still running (the live one), one that failed and one still queued. */
  liveRun: SeedRun;
  failedRun: SeedRun;
  queuedRun: SeedRun;
}

export function cellKey(size: string, blocks: number, mode: Mode | string, seed: number): string {
  return `${size}|${blocks}|${mode}|${seed}`;
}

/**
 * The runs as trained (after seeding names them): a sweep trains E2E once per size and seed and
 * evaluates it at every K, so its entries in the cells of each K are one run — the first entry
 * gives its status, timings and training curve, each entry its measurements at its own K.
 */
export function trainedRuns(runs: SeedRun[]): SeedRun[] {
  const seen = new Set<string>();
  return runs.filter((r) => !seen.has(r.name) && Boolean(seen.add(r.name)));
}

/** 36 paper runs plus 12 × bulkSeeds CPU-preset runs (39 seeds → 504 runs in all). */
export function buildSeedData(bulkSeeds = 39): SeedData {
  const paper: SeedRun[] = [];
  const liveKey = cellKey('small', 6, 'BLOCKWISE_SIMULTANEOUS', 2);
  const failedKey = cellKey('small', 6, 'BLOCKWISE_SEQUENTIAL', 2);
  const queuedKey = cellKey('small', 6, 'BLOCKWISE_SEQUENTIAL', 1);
  let minutes = 600;
  for (const size of ['tiny', 'small']) {
    for (const blocks of [4, 6]) {
      for (const mode of MODES) {
        for (const seed of [0, 1, 2]) {
          const key = cellKey(size, blocks, mode, seed);
          const rand = prng(hash(key));
          const status: Status = key === liveKey ? 'RUNNING' : key === failedKey ? 'FAILED' : key === queuedKey ? 'QUEUED' : 'SUCCEEDED';
          const lastStep = status === 'SUCCEEDED' ? FINAL_STEP : status === 'RUNNING' ? 600 : status === 'FAILED' ? 320 : 0;
          const probe = new Map<number, number[]>();
          const map = new Map<number, number[]>();
          for (const step of EVAL_STEPS) {
            if (step > lastStep) continue;
            const curve = probeCurve(rand, size, mode, blocks).map((v) => round4(v - (step < FINAL_STEP ? 0.04 : 0)));
            probe.set(step, curve);
            map.set(step, curve.map((v) => round4(v * 0.47 + (rand() - 0.5) * 0.004)));
          }
          const finished = lastStep === FINAL_STEP;
          paper.push({
            name: '', key, sweep: 'paper-grid', mode, modelSize: size, blocks, seed, status,
            tags: [mode === 'E2E' ? 'baseline' : 'bwssl', size === 'small' ? 'paper-small' : 'paper-tiny'],
            error: status === 'FAILED' ? 'RuntimeError: CUDA out of memory while allocating decoder 6 activations (tried 2.1 GiB)' : null,
            probe, map,
            cka: lastStep >= EVAL_STEPS[0]! ? ckaMatrix(rand, mode, blocks) : null,
            patch: lastStep >= EVAL_STEPS[0]! ? Array.from({ length: blocks }, (_, i) => ({
              block: i + 1,
              tokenCosine: round4((mode === 'E2E' ? 0.17 : 0.24) + (i / Math.max(1, blocks - 1)) * (mode === 'E2E' ? 0.36 : 0.44) + (rand() - 0.5) * 0.01),
              occDrop: round4(0.05 + 0.02 * i + rand() * 0.01),
              effectiveRank: round4(60 - 5 * i + rand() * 2),
            })) : [],
            recon: finished ? Array.from({ length: 2 * 8 * 8 }, (_, k) => round4(0.2 + 0.3 * Math.abs(Math.sin(k / 7 + seed)) + 0.05 * (k >= 64 ? 1 : 0))) : null,
            lastStep,
            createdMinutesAgo: minutes--,
          });
        }
      }
    }
  }
  const bulk: SeedRun[] = [];
  const bulkStatuses: Status[] = ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'QUEUED', 'CANCELLED', 'QUEUED', 'SUCCEEDED'];
  for (let i = 0; i < bulkSeeds * 12; i++) {
    const mode = MODES[i % 3]!;
    const blocks = [3, 6][Math.floor(i / 3) % 2]!;
    const size = ['nano', 'micro'][Math.floor(i / 6) % 2]!;
    const seed = Math.floor(i / 12);
    bulk.push({
      name: '', key: cellKey(size, blocks, mode, seed), sweep: 'seed-scan', mode, modelSize: size, blocks, seed,
      status: bulkStatuses[i % bulkStatuses.length]!, tags: ['scan'],
      error: null, probe: new Map(), map: new Map(), cka: null, patch: [], recon: null, lastStep: 0, createdMinutesAgo: 5000 + i,
    });
  }
  return {
    projects: [
      { name: 'video-mae', description: 'Blockwise vs end-to-end VideoMAE on UCF101 (Römer & Dickscheid, 2026)' },
      { name: 'cpu-scans', description: 'Small CPU presets: seed scans for the variance study' },
    ],
    sweeps: [
      { name: 'paper-grid', project: 'video-mae', runs: paper },
      { name: 'seed-scan', project: 'cpu-scans', runs: bulk },
    ],
    liveRun: paper.find((r) => r.key === liveKey)!,
    failedRun: paper.find((r) => r.key === failedKey)!,
    queuedRun: paper.find((r) => r.key === queuedKey)!,
  };
}

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Student-t 0.975 quantiles for small df (what a 95% CI over seeds uses). */
export const T975: Record<number, number> = { 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228 };

export function meanCi(values: number[]): { mean: number; half: number | null; std: number | null } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, half: null, std: null };
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, std, half: T975[n - 1]! * std / Math.sqrt(n) };
}
