/**
 * @stratum/trainer — a TensorFlow.js video masked autoencoder (VideoMAE-style) trained
 * end-to-end or blockwise (simultaneous / sequential), after arXiv 2601.09040.
 *
 * The run configuration it trains (presets, validation, cost model) is @stratum/run-config.
 */
export { selectBackend, ensureBackend, gpuMemoryMb, BackendError, AUTO_ORDER, type BackendInfo, type BackendName } from './backend.js';
export { GpuError, type AdapterInfo } from './webgpu/device.js';
export { setWebgpuKernelsEnabled, webgpuKernelsActive } from './webgpu/kernels.js';
export { setWasmKernelsEnabled, wasmKernelsActive } from './kernels/wasm-kernels.js';
export { train, type TrainOptions, type TrainSummary, type CheckpointEvent, type StepInfo } from './train/loop.js';
export { type MetricPoint } from './train/metrics.js';
export { lrAt, type ScheduleConfig } from './train/schedule.js';
export { trainStep, type StepResult, type BlockValue } from './train/step.js';
export { buildModel, modelFromCheckpoint } from './train/state.js';
export { embed, reconstructionError, type AttentionMap, type ClipsInput, type Embeddings, type EmbedOptions, type FeatureSet, type ReconstructionMap } from './embed.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  sha256Hex,
  CHECKPOINT_MAGIC,
  CHECKPOINT_VERSION,
  type CheckpointHeader,
  type DecodedCheckpoint,
  type NamedValues,
  type TensorEntry,
} from './checkpoint.js';
export { TrainingDivergedError, CheckpointError } from './errors.js';
export { VideoMae, type MaeOptions } from './model/mae.js';
export { maskedInputsJs, maskedInputsTensor, extractTubelets, type MaskedInputs, type PositionTables } from './model/inputs.js';
export { patchify, unpatchify, normalisedTargets, gridOf, type Grid } from './model/patchify.js';
export { sampleTubeMask, flatRows, type TubeMask } from './model/masking.js';
export { sinusoidTable } from './model/position.js';
export { AdamW, type AdamWConfig } from './optim/adamw.js';
export { Prng, type PrngState } from '@stratum/stats';
export type { Logger } from './log.js';
