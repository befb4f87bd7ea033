/**
 * Model presets as named factories. `tiny` and `small` are the paper's DeiT-Tiny/Small video
 * MAEs (arXiv 2601.09040, VideoMAE recipe); `nano` and `micro` are CPU-scale versions that keep
 * the paper's token geometry.
 *
 * Why tubelet (8,4,4) on 16×32×32 clips for the CPU presets: it gives exactly the paper's
 * 2×8×8 grid of 128 tokens, so 90% tube masking leaves the same 14 visible tokens (7 of 64
 * spatial positions × 2 time slices) and every shape-dependent cost scales like the paper's
 * model. (2,8,8) would also give 128 tokens at the same FLOPs, but as an 8×4×4 grid whose tube
 * mask keeps 2 of 16 positions: coarser masking that departs from the paper.
 * Head dim 32 everywhere keeps the attention kernels' SIMD lanes full.
 */
import { z } from 'zod';

export const PRESET_NAMES = ['nano', 'micro', 'tiny', 'small'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface ModelConfig {
  /** Clip frames T. */
  frames: number;
  /** Clip height H in pixels. */
  height: number;
  /** Clip width W in pixels. */
  width: number;
  /** Clip channels C (1 for Moving MNIST, 3 for RGB video). */
  channels: number;
  /** Tubelet (t, h, w): the patch each token embeds. */
  tubelet: [number, number, number];
  /** Encoder width D. */
  embedDim: number;
  /** Encoder layers L. */
  depth: number;
  /** Encoder attention heads (D / heads = head dim). */
  heads: number;
  /** MLP hidden width = mlpRatio · D. */
  mlpRatio: number;
  /** Decoder width. */
  decoderDim: number;
  /** Decoder layers. */
  decoderDepth: number;
  /** Decoder attention heads. */
  decoderHeads: number;
  /** Fraction of spatial positions masked (tube masking). */
  maskRatio: number;
  /** LayerNorm epsilon. */
  layerNormEps: number;
  /** Initialisation of each decoder's output head: Xavier-uniform (VideoMAE's) or zeros. */
  decoderHeadInit: 'xavier' | 'zero';
  /** Per-channel pixel mean subtracted from the encoder's input (not from the targets, which are
   * normalised per patch and so unaffected). */
  inputMean: number[];
  /** Per-channel pixel std the encoder's input is divided by. */
  inputStd: number[];
}

/**
 * Default input normalisation by channel count: RGB uses ImageNet's statistics as VideoMAE does;
 * one channel uses Moving MNIST's (32×32, one 14-px digit: mean 0.025, std 0.12, measured over 256
 * clips), whose pixels are mostly background; any other count is left as is. Without it the
 * patch embedding sees content ~8× weaker than the position table, and short runs learn slowly.
 */
export function defaultInputNorm(channels: number): { inputMean: number[]; inputStd: number[] } {
  if (channels === 3) return { inputMean: [0.485, 0.456, 0.406], inputStd: [0.229, 0.224, 0.225] };
  if (channels === 1) return { inputMean: [0.025], inputStd: [0.12] };
  return { inputMean: Array(channels).fill(0), inputStd: Array(channels).fill(1) };
}

/** zod shape of every model field, with a one-line reason for each default. */
export const modelFieldSchemas = {
  frames: z.number().int().min(1).describe('clip length T; the paper samples 16 frames (stride 4)'),
  height: z.number().int().min(1).describe('clip height; the paper crops 128×128'),
  width: z.number().int().min(1).describe('clip width; the paper crops 128×128'),
  channels: z.number().int().min(1).describe('input channels; RGB for video, 1 for Moving MNIST'),
  tubelet: z
    .tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)])
    .describe('tubelet (t,h,w); the paper uses (8,16,16) → a 2×8×8 grid of 128 tokens'),
  embedDim: z.number().int().min(4).describe('encoder width; DeiT-Tiny 192, DeiT-Small 384'),
  depth: z.number().int().min(1).describe('encoder layers; 12 in the paper'),
  heads: z.number().int().min(1).describe('encoder heads; DeiT-Tiny 3, DeiT-Small 6 (head dim 64)'),
  mlpRatio: z.number().int().min(1).describe('MLP expansion; 4 as in ViT/VideoMAE'),
  decoderDim: z.number().int().min(4).describe('decoder width; 192 in the paper for both sizes'),
  decoderDepth: z.number().int().min(1).describe('decoder layers; 4 in the paper'),
  decoderHeads: z.number().int().min(1).describe('decoder heads; 3 in the paper'),
  maskRatio: z.number().gt(0).lt(1).describe('tube-masking ratio; 0.9 as in VideoMAE and the paper'),
  layerNormEps: z.number().gt(0).describe('LayerNorm epsilon; 1e-6 as in VideoMAE'),
  decoderHeadInit: z
    .enum(['xavier', 'zero'])
    .describe("decoder output head init; Xavier-uniform as VideoMAE for the paper presets, zeros for the short CPU runs (a random head's first moves collapse its outputs to the trivial answer, where training stalls)"),
  inputMean: z.array(z.number()).min(1).describe('per-channel input mean; ImageNet for RGB as VideoMAE, Moving MNIST for one channel'),
  inputStd: z.array(z.number().gt(0)).min(1).describe('per-channel input std; ImageNet for RGB as VideoMAE, Moving MNIST for one channel'),
} as const;

const PAPER_COMMON = {
  frames: 16,
  height: 128,
  width: 128,
  channels: 3,
  tubelet: [8, 16, 16] as [number, number, number],
  depth: 12,
  mlpRatio: 4,
  decoderDim: 192,
  decoderDepth: 4,
  decoderHeads: 3,
  maskRatio: 0.9,
  layerNormEps: 1e-6,
  decoderHeadInit: 'xavier' as const,
  ...defaultInputNorm(3),
};

const CPU_COMMON = {
  frames: 16,
  height: 32,
  width: 32,
  channels: 1,
  tubelet: [8, 4, 4] as [number, number, number],
  depth: 6,
  mlpRatio: 4,
  decoderDepth: 2,
  maskRatio: 0.9,
  layerNormEps: 1e-6,
  decoderHeadInit: 'zero' as const,
  ...defaultInputNorm(1),
};

/** Preset factories: each call returns a fresh object. */
export const PRESETS: Record<PresetName, () => ModelConfig> = {
  /** CPU-scale: 64 wide, 6 deep, 2 heads; decoder 2×64×2 (a third of the encoder depth, as 4/12). */
  nano: () => ({ ...CPU_COMMON, ...defaultInputNorm(1), tubelet: [...CPU_COMMON.tubelet], embedDim: 64, heads: 2, decoderDim: 64, decoderHeads: 2 }),
  /** CPU-scale: 96 wide, 6 deep, 3 heads; decoder 2×96×3. */
  micro: () => ({ ...CPU_COMMON, ...defaultInputNorm(1), tubelet: [...CPU_COMMON.tubelet], embedDim: 96, heads: 3, decoderDim: 96, decoderHeads: 3 }),
  /** Paper: DeiT-Tiny encoder (192 wide, 12 deep, 3 heads), decoder 4×192×3. */
  tiny: () => ({ ...PAPER_COMMON, ...defaultInputNorm(3), tubelet: [...PAPER_COMMON.tubelet], embedDim: 192, heads: 3 }),
  /** Paper: DeiT-Small encoder (384 wide, 12 deep, 6 heads), decoder 4×192×3. */
  small: () => ({ ...PAPER_COMMON, ...defaultInputNorm(3), tubelet: [...PAPER_COMMON.tubelet], embedDim: 384, heads: 6 }),
};

/** Whether a preset is one of the CPU-scale ones (they get CPU-friendly training defaults). */
export function isCpuPreset(preset: PresetName): boolean {
  return preset === 'nano' || preset === 'micro';
}
