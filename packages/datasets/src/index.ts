/**
 * @stratum/datasets — clip datasets for masked video transformers: Moving MNIST, drifting
 * periodic textures, drifting gratings (single and double), and folders of real videos. Every dataset follows the
 * `ClipDataset` contract in types.ts: [T, H, W, C] Float32Array clips with integer labels.
 */
export type {
  ClipShape,
  TargetSpec,
  ClipSample,
  ClipDataset,
  ClipBatch,
  StreamBatch,
  DatasetSpec,
  MovingMnistOptions,
  TexturesOptions,
  GratingsOptions,
  DoubleGratingsOptions,
  GratingRenderOptions,
  FolderOptions,
  ColourSpec,
  GratingGrid,
} from './types.js';
export { batchOf, batchStream, batchStreamAsync, batchIndices, assembleBatch, mapLimit, EpochOrder, type AsyncClipSource, type StreamOptions, type AsyncStreamOptions } from './batching.js';
export { createDataset, createTrainingSource, isAsyncSource, DATASET_NAMES } from './create.js';
export { DatasetSpecError } from './validate.js';
export { Rng, rngFor, hashInts, permutation } from '@stratum/stats';
export { InMemoryDataset } from './in-memory.js';
export { FactorGrid, balancedSubsample } from './grid.js';
export { resampleArea, type SourceWindow } from './resample.js';
export { MovingMnist, movingMnist, renderMovingDigits, bounce, velocityOf, DIRECTION_BINS, type DigitMotion } from './moving-mnist.js';
export { Textures, textures, TEXTURE_DIRECTIONS, type TextureParams } from './textures.js';
export { digitPool, MNIST_TRAIN_FRACTION, type DigitPool } from './mnist-digits.js';
export { driftingGrating, linspaceUnit, PALETTE, type GratingParams } from './grating.js';
export { GRATING_GRIDS } from './grating-dataset.js';
export { Gratings, gratings, SINGLE_GRATING_GRIDS, type GratingCell } from './gratings.js';
export { DoubleGratings, doubleGratings, DOUBLE_GRATING_GRIDS, type DoubleGratingCell } from './double-gratings.js';
export { keepRandomPatches, type PatchOcclusionOptions, type KeptPatch } from './occlusion.js';
export { FolderVideos, folderDataset, type FolderVideo, type FolderReport, type UndecodableVideo } from './folder/folder-dataset.js';
export { FfmpegMissingError, ffmpegAvailable } from './folder/ffmpeg.js';
export { parsePnm, parsePnmStream, encodePpm, type RgbFrame } from './folder/ppm.js';
