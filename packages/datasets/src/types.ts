/**
 * The dataset contract shared with the trainer and the analysis code.
 *
 * Layout convention: a clip is a Float32Array in [T, H, W, C] row-major order (channel
 * fastest); a batch is [B, T, H, W, C]. Labels are small integers, one per target family.
 */

export interface ClipShape {
  frames: number;
  height: number;
  width: number;
  channels: number;
}

/** One label family (e.g. digit identity, motion direction); labels are 0..numClasses-1. */
export interface TargetSpec {
  name: string;
  numClasses: number;
  description: string;
}

export interface ClipSample {
  /** [T, H, W, C] row-major, C fastest. */
  clip: Float32Array;
  /** One entry per target family of the dataset, keyed by `TargetSpec.name`. */
  labels: Record<string, number>;
}

export interface ClipDataset {
  /** e.g. 'moving-mnist'. */
  readonly name: string;
  readonly shape: ClipShape;
  /** Number of clips (finite, deterministic by seed). */
  readonly size: number;
  /** Label families, e.g. digit, direction, speed. */
  readonly targets: TargetSpec[];
  /** Documented pixel range, e.g. [0, 1] or [-1, 1]. */
  readonly valueRange: [number, number];
  /** Deterministic: same (config, seed, index) → identical clip. */
  get(index: number): ClipSample;
}

export interface ClipBatch {
  /** [B, T, H, W, C]. */
  clips: Float32Array;
  shape: [number, number, number, number, number];
  labels: Record<string, Int32Array>;
}

/** A batch from `batchStream`: `step` counts batches from 0, `epoch` is that of its first clip. */
export type StreamBatch = ClipBatch & { step: number; epoch: number };

// ---------------------------------------------------------------------------------------------
// Dataset specs (the JSON a run config carries). Every field but `name` is optional unless
// marked; unknown keys are rejected by `createDataset`.

export interface MovingMnistOptions {
  /** Seeds every clip's parameters; default 0. */
  seed?: number;
  /** Number of clips; default 10,000. */
  count?: number;
  /** Frames per clip; default 16. */
  frames?: number;
  /** Square canvas side in pixels; default 32. */
  size?: number;
  /** Digits per clip (labels describe the first one); default 1. */
  digits?: number;
  /** Side of the square each 28×28 MNIST digit is resized to; default 14. */
  digitSize?: number;
  /** Speed bins in pixels per frame (the `speed` label is the index); default [1, 2, 3]. */
  speeds?: number[];
  /** Which disjoint part of the 10,000 `mnist` digits to draw from; default 'train'. */
  split?: 'train' | 'test';
  /**
   * Half-width in degrees of the uniform angle jitter around each direction bin's centre;
   * default 0 (motion exactly at the bin centre). Must be < 22.5 so the bin stays exact.
   */
  directionJitterDeg?: number;
}

/** A tint colour: a palette name or an RGB triple in [0, 1]. */
export type ColourSpec = 'white' | 'gray' | 'red' | 'green' | 'blue' | 'yellow' | 'orange' | 'cyan' | 'magenta' | [number, number, number];

/**
 * A named grating grid: 'paper' = the paper's released value lists at 128², 6.25 frames/s (the
 * default); 'small' = a CPU-sized grid at 32², 16 frames/s.
 */
export type GratingGrid = 'paper' | 'small';

/** Rendering options shared by the grating datasets. */
export interface GratingRenderOptions {
  /** The named grid whose value lists and render size/rate are the defaults; default 'paper'. */
  grid?: GratingGrid;
  /** Frames per clip; default 16. */
  frames?: number;
  /** Square side in pixels; default 128 ('paper') or 32 ('small'). */
  size?: number;
  /** Frames per second used to turn temporal frequency (Hz) into phase per frame; default 6.25 ('paper') or 16 ('small'). */
  frameRate?: number;
  /** Starting phase in radians, or 'random' (uniform, seeded per clip); default 0. */
  phase?: number | 'random';
  /** Seeds random phases and the `maxClips` subsample; default 0. */
  seed?: number;
  /** Keep at most this many clips, a deterministic subsample balanced over every factor. */
  maxClips?: number;
}

/** Value lists of the single-grating grid; each defaults to the chosen `grid`'s (see gratings.ts). */
export interface GratingsOptions extends GratingRenderOptions {
  /** Spatial frequencies in cycles per image width; paper 4, 8, …, 24. */
  spatialFreqs?: number[];
  /** Orientations in degrees, which also set the drift direction; paper 0, 30, …, 330. */
  orientations?: number[];
  /** Temporal frequencies in Hz; paper 0.5, 1, 2, 4, 6, 8. */
  temporalFreqs?: number[];
  /** Contrasts (amplitudes); paper 0.2, 0.4, 0.6, 0.8, 1. */
  contrasts?: number[];
  /** Tints; paper gray, red, green, blue, orange. */
  colours?: ColourSpec[];
}

/** Value lists of the double-grating grid; each defaults to the chosen `grid`'s (see double-gratings.ts). */
export interface DoubleGratingsOptions extends GratingRenderOptions {
  /** Spatial frequencies of the left half; paper 4, 10, 16. */
  spatialFreqsLeft?: number[];
  /** Spatial frequencies of the right half; paper 4, 10, 16. */
  spatialFreqsRight?: number[];
  /** Orientations (degrees) of the left half; paper 0, 30, …, 330. */
  orientations?: number[];
  /** Right orientation = (left + delta) mod 360; paper 0, 45, 90, 135. */
  orientationDeltas?: number[];
  /** Temporal frequencies (Hz) shared by both halves; paper 2, 5, 8. */
  temporalFreqs?: number[];
  /** Contrasts shared by both halves; paper 0.33, 0.67, 1. */
  contrasts?: number[];
  /** Tints of the whole frame; paper gray, red, green, blue. */
  colours?: ColourSpec[];
}

export interface FolderOptions {
  /** Root folder holding one sub-folder per class (required). */
  root: string;
  /** A split list such as UCF101's trainlist01.txt (relative to `root` or absolute). */
  splitFile?: string;
  /** 'train': random temporal offset, random crop and flip; 'eval': centre clip and crop. Default 'eval'. */
  mode?: 'train' | 'eval';
  /** Frames per clip; default 16. */
  frames?: number;
  /** Step between sampled frames; default 4. */
  stride?: number;
  /** Drop videos with fewer frames; default (and minimum) the clip span (frames−1)·stride+1. The paper drops < 64. */
  minFrames?: number;
  /** Output square side; default 32. */
  size?: number;
  /** Short side the frame is scaled to before cropping; default ceil(size · 8/7). */
  shortSide?: number;
  /** Keep this fraction of each class's videos (deterministic by seed); default 1. */
  fraction?: number;
  /** Load at most this many clips into memory (`createDataset` materialises); default 1,000. */
  maxClips?: number;
  /** Seeds sampling, crops, flips and the subsample; default 0. */
  seed?: number;
  /** Name of the class target; default 'action'. */
  targetName?: string;
  /** Videos probed or decoded at once (ffmpeg child processes); default 2. */
  concurrency?: number;
}

/** Drifting periodic textures (textures.ts): the CPU miniature's learnable dataset. */
export interface TexturesOptions {
  /** Seeds every clip's parameters; default 0. */
  seed?: number;
  /** Number of clips; default 4096. */
  count?: number;
  /** Frames per clip; default 16. */
  frames?: number;
  /** Square side in pixels; default 32. */
  size?: number;
  /** Side of the tiled texture in pixels; default 4 (the CPU presets' tubelet width). */
  period?: number;
  /** Number of prototype textures (the `texture` label); default 10. */
  classes?: number;
  /** Per-clip uniform pixel jitter (full width) added to the prototype; default 0.3. */
  noise?: number;
  /** Contrast is drawn uniformly from [minContrast, 1]; default 0.5. */
  minContrast?: number;
  /** Drift speeds in pixels per frame, integers below period/2; default [1]. */
  speeds?: number[];
  /** 'train' or 'test': disjoint clip draws from the same prototypes; default 'train'. */
  split?: 'train' | 'test';
  /** Seeds the prototypes (shared by every split and seed); default 0. */
  prototypeSeed?: number;
}

export type DatasetSpec =
  | ({ name: 'moving-mnist' } & MovingMnistOptions)
  | ({ name: 'textures' } & TexturesOptions)
  | ({ name: 'gratings' } & GratingsOptions)
  | ({ name: 'double-gratings' } & DoubleGratingsOptions)
  | ({ name: 'folder' } & FolderOptions);
