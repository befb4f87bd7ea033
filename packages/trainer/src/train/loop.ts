/**
 * The training loop: config → backend → data → model → steps → metrics and checkpoints.
 *
 * Step budget: E2E and simultaneous run `steps` steps; sequential runs K stages of `steps`
 * each (every parameter is updated `steps` times in all regimes, matching the paper's
 * per-parameter epochs), restarting warm-up + cosine in each stage. The data stream and the
 * masking PRNG run on across stages.
 */
import { batchStream, batchStreamAsync, createTrainingSource, isAsyncSource, type AsyncClipSource, type ClipDataset, type FolderReport, type StreamBatch } from '@stratum/datasets';
import { selectBackend, type BackendInfo } from '../backend.js';
import { sha256Hex } from '../checkpoint.js';
import { parameterCount, resolveRunConfig, type ParameterCount, type RunConfig } from '@stratum/run-config';
import { silentLogger, type Logger } from '../log.js';
import { VideoMae } from '../model/mae.js';
import { sampleTubeMask } from '../model/masking.js';
import { AdamW } from '../optim/adamw.js';
import { Prng } from '@stratum/stats';
import { MetricBuffer, type MetricPoint } from './metrics.js';
import { lrAt } from './schedule.js';
import { buildModel, restoreState, saveState, type TrainingState } from './state.js';
import { trainStep, type BlockValue } from './step.js';
import { checkGpuErrors } from '../webgpu/device.js';

export interface CheckpointEvent {
  step: number;
  bytes: Uint8Array;
  sha256: string;
}

export interface StepInfo {
  /** 1-based global step just completed. */
  step: number;
  totalSteps: number;
  /** 0-based stage of that step (sequential; 0 otherwise). */
  stage: number;
  losses: BlockValue[];
  /** The trivial predictor's loss on the same masks, beside each loss. */
  trivial: BlockValue[];
  lr: number;
  /** Seconds since this call to train() started. */
  elapsedS: number;
}

export interface TrainOptions {
  /** Called after every step (progress lines, heartbeats); not awaited. */
  onStep?: (info: StepInfo) => void;
  /** Receives metric points in batches; awaited (back-pressure). */
  onMetrics?: (points: MetricPoint[]) => void | Promise<void>;
  /** Receives every checkpoint (periodic, final, and on abort); awaited. */
  onCheckpoint?: (checkpoint: CheckpointEvent) => void | Promise<void>;
  /** Stops the run at the next step boundary (after writing a checkpoint). */
  signal?: AbortSignal;
  /** Checkpoint bytes to continue from (same config, up to checkpointEvery/logEvery/backend). */
  resumeFrom?: Uint8Array;
  log?: Logger;
  /**
   * A dataset to train on instead of building `config.dataset` (must match the model's clip
   * shape): in memory, or an asynchronous source (e.g. a folder of videos) streamed with loads
   * running ahead of the step.
   */
  dataset?: ClipDataset | AsyncClipSource;
  /** Clips an asynchronous source loads at once (default: the folder spec's `concurrency`, else 2). */
  loadConcurrency?: number;
  /** Batches an asynchronous source prepares ahead of the step (default 2). */
  prefetch?: number;
}

export interface TrainSummary {
  backend: BackendInfo;
  config: RunConfig;
  /** Global steps completed (including those before a resume). */
  steps: number;
  totalSteps: number;
  aborted: boolean;
  /** Last loss of each block (null block: E2E). */
  finalLosses: BlockValue[];
  /** The trivial predictor's loss on the same step as each final loss (same blocks). */
  finalTrivial: BlockValue[];
  wallTimeS: number;
  /** Steps per second over the steps this call ran. */
  stepsPerS: number;
  parameters: ParameterCount;
  lastCheckpoint: { step: number; sha256: string } | null;
  /** A folder source's counts of used and left-out videos; null for other sources. */
  data: FolderReport | null;
}

type Source = ClipDataset | AsyncClipSource;

function checkShape(config: RunConfig, ds: Source): void {
  const m = config.model;
  const s = ds.shape;
  if (s.frames !== m.frames || s.height !== m.height || s.width !== m.width || s.channels !== m.channels) {
    throw new Error(
      `dataset "${ds.name}" yields ${s.frames}×${s.height}×${s.width}×${s.channels} clips but the model expects ` +
        `${m.frames}×${m.height}×${m.width}×${m.channels} (override model.frames/height/width/channels or the dataset's options)`,
    );
  }
}

export async function train(input: unknown, opts: TrainOptions = {}): Promise<TrainSummary> {
  const config = resolveRunConfig(input);
  const log = opts.log ?? silentLogger;
  const backend = await selectBackend(config.backend, log);
  const dataset = opts.dataset ?? (await createTrainingSource(config.dataset));
  checkShape(config, dataset);
  const data = dataReport(dataset);
  if (data) log.info({ ...data }, `training data: ${data.videos} videos; left out ${data.droppedShort} shorter than ${data.minFrames} frames, ${data.undecodable} undecodable, ${data.missing} listed but missing`);

  const model = buildModel(config);
  const optimizers = Array.from({ length: model.groups }, (_, g) => {
    const o = config.optimizer;
    return new AdamW(model.params.list(model.groups === 1 ? undefined : g), { beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay });
  });
  const state: TrainingState = { config, model, optimizers, step: 0, stage: 0, maskRng: Prng.fromSeed(config.seed, 'mask'), backend: backend.name };
  try {
    if (opts.resumeFrom) {
      const r = restoreState(state, opts.resumeFrom);
      state.step = r.step;
      state.stage = r.stage;
      state.maskRng = Prng.fromState(r.maskRngState);
      log.info({ step: r.step }, 'resumed from checkpoint');
    }
    const summary = await runLoop(state, dataset, backend, opts, log);
    const after = dataReport(dataset); // videos that failed to decode mid-run were replaced and counted
    if (after && data && after.undecodable > data.undecodable) log.warn({ ...after }, `training data: ${after.undecodable - data.undecodable} videos failed to decode during training and were replaced`);
    return { ...summary, data: after };
  } finally {
    optimizers.forEach((o) => o.dispose());
    model.dispose();
  }
}

function dataReport(src: Source): FolderReport | null {
  const report = (src as { report?: unknown }).report;
  return report && typeof report === 'object' && 'videos' in report ? { ...(report as FolderReport) } : null;
}

/** Batches from `startStep` on: asynchronous sources load ahead of the step in bounded memory. */
async function* batches(dataset: Source, config: RunConfig, startStep: number, opts: TrainOptions): AsyncGenerator<StreamBatch, void, undefined> {
  const stream = { batchSize: config.batchSize, seed: config.seed, startStep };
  if (!isAsyncSource(dataset)) {
    yield* batchStream(dataset, stream);
    return;
  }
  const specConcurrency = config.dataset.name === 'folder' ? config.dataset.concurrency : undefined;
  yield* batchStreamAsync(dataset, { ...stream, concurrency: opts.loadConcurrency ?? specConcurrency ?? 2, prefetch: opts.prefetch ?? 2 });
}

async function runLoop(state: TrainingState, dataset: Source, backend: BackendInfo, opts: TrainOptions, log: Logger): Promise<Omit<TrainSummary, 'data'>> {
  const { config, model } = state;
  const K = config.blocks;
  const sequential = config.regime === 'sequential';
  const totalSteps = sequential ? K * config.steps : config.steps;
  const metrics = new MetricBuffer(opts.onMetrics);
  const finalLosses = new Map<number | null, number>();
  const finalTrivial = new Map<number | null, number>();
  let lastCheckpoint = null as TrainSummary['lastCheckpoint']; // assigned inside checkpoint()
  const startStep = state.step;
  const started = performance.now();

  const checkpoint = async (): Promise<void> => {
    const bytes = await saveState(state);
    const sha256 = sha256Hex(bytes);
    lastCheckpoint = { step: state.step, sha256 };
    await metrics.flush(true);
    await opts.onCheckpoint?.({ step: state.step, bytes, sha256 });
  };

  const stream = batches(dataset, config, state.step, opts);
  let aborted = false;
  try {
    while (state.step < totalSteps) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      state.stage = sequential ? Math.floor(state.step / config.steps) : 0;
      const stageStep = sequential ? state.step % config.steps : state.step;
      const lr = lrAt(stageStep, config.optimizer, config.steps);
      const batch = (await stream.next()).value as StreamBatch;
      const mask = sampleTubeMask(state.maskRng, config.batchSize, model.grid, config.model.maskRatio);
      const inputs = model.maskedInputs(batch.clips, mask);
      let result;
      try {
        const ctx = { model, optimizers: state.optimizers, regime: config.regime, stage: state.stage, lr, clipNorm: config.optimizer.clipNorm, step: state.step + 1 };
        result = await checkGpuErrors(() => trainStep(ctx, inputs));
      } finally {
        VideoMae.disposeInputs(inputs);
      }
      state.step += 1;
      for (const l of result.losses) finalLosses.set(l.block, l.value);
      for (const l of result.trivial) finalTrivial.set(l.block, l.value);
      opts.onStep?.({ step: state.step, totalSteps, stage: state.stage, losses: result.losses, trivial: result.trivial, lr, elapsedS: (performance.now() - started) / 1000 });

      if (state.step % config.logEvery === 0 || state.step === totalSteps) {
        const wallTime = Date.now();
        const step = state.step;
        metrics.push(
          ...result.losses.map((l): MetricPoint => ({ key: 'loss', block: l.block, step, value: l.value, wallTime })),
          ...result.trivial.map((l): MetricPoint => ({ key: 'loss_trivial', block: l.block, step, value: l.value, wallTime })),
          ...result.gradNorms.map((g): MetricPoint => ({ key: 'grad_norm', block: g.block, step, value: g.value, wallTime })),
          { key: 'lr', block: null, step, value: lr, wallTime },
        );
      }
      state.stage = sequential ? Math.min(K - 1, Math.floor(state.step / config.steps)) : 0; // stage of the next step
      if ((config.checkpointEvery > 0 && state.step % config.checkpointEvery === 0) || state.step === totalSteps) await checkpoint();
      else await metrics.flush();
      await new Promise<void>((resolve) => setImmediate(resolve)); // let heartbeats and aborts run
    }
  } catch (e) {
    await metrics.flush(true).catch(() => undefined); // keep the curve up to the failure
    throw e;
  } finally {
    await stream.return(undefined); // waits for the clips still loading
  }
  if (aborted && lastCheckpoint?.step !== state.step && state.step > startStep) await checkpoint();
  await metrics.flush(true);

  const wallTimeS = (performance.now() - started) / 1000;
  const summary: Omit<TrainSummary, 'data'> = {
    backend,
    config,
    steps: state.step,
    totalSteps,
    aborted,
    finalLosses: byBlock(finalLosses),
    finalTrivial: byBlock(finalTrivial),
    wallTimeS,
    stepsPerS: (state.step - startStep) / Math.max(wallTimeS, 1e-9),
    parameters: parameterCount(config),
    lastCheckpoint,
  };
  log.info({ steps: summary.steps, aborted, wallTimeS, finalLosses: summary.finalLosses, finalTrivial: summary.finalTrivial }, 'training finished');
  return summary;
}

function byBlock(values: Map<number | null, number>): BlockValue[] {
  return [...values.entries()].map(([block, value]) => ({ block, value })).sort((a, b) => (a.block ?? 0) - (b.block ?? 0));
}
