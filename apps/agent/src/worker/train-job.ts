// A TRAIN job inside the worker: validate the config and dataset (config errors are not
// retried), load the backend the daemon chose (explicitly: no silent fallback), train with
// metrics and checkpoints streamed to the daemon, resume from a checkpoint when given one,
// then run the evaluation suite on the final weights.
import fs from 'node:fs';
import path from 'node:path';
import { createTrainingSource, DatasetSpecError, type AsyncClipSource, type ClipDataset, type FolderReport } from '@stratum/datasets';
import { resolveRunConfig, type RunConfig } from '@stratum/run-config';
import type { Logger } from '../logger.js';
import { EvaluationError, JobConfigError } from './errors.js';
import { evaluateCheckpoint, evaluationSettings, type EvaluationSettings } from './evaluate.js';
import type { FromWorker, WorkerJob } from './messages.js';

export interface TrainJobContext {
  log: Logger;
  /** Aborts on a drain request: the trainer checkpoints at the next step boundary and returns. */
  signal: AbortSignal;
  send: (message: FromWorker) => Promise<void>;
}

export type TrainJobOutcome = { drained: true; step: number } | { drained: false; summary: Record<string, unknown> };

/**
 * The run config with the backend the agent runs it on, and the evaluation settings (the
 * optional `evaluation` key belongs to the agent, not the trainer, so it is taken out first).
 */
export function jobConfig(job: Extract<WorkerJob, { kind: 'TRAIN' }>): { config: RunConfig; evaluation: EvaluationSettings } {
  if (typeof job.config !== 'object' || job.config === null || Array.isArray(job.config)) {
    throw new JobConfigError(`the run's config must be a JSON object, got ${JSON.stringify(job.config)}`);
  }
  const { evaluation, ...trainerConfig } = job.config as Record<string, unknown>;
  return { config: resolveRunConfig({ ...trainerConfig, backend: job.backend }), evaluation: evaluationSettings(evaluation) };
}

export function checkDatasetFits(config: RunConfig, dataset: ClipDataset | AsyncClipSource): void {
  const m = config.model;
  const s = dataset.shape;
  if (s.frames !== m.frames || s.height !== m.height || s.width !== m.width || s.channels !== m.channels) {
    throw new JobConfigError(
      `dataset "${dataset.name}" yields ${s.frames}×${s.height}×${s.width}×${s.channels} clips but the model expects ${m.frames}×${m.height}×${m.width}×${m.channels}`,
    );
  }
}

function writeDurably(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** A folder's counts of used and left-out videos as run metrics (step 0, keys data/…). */
export function dataPoints(report: FolderReport, wallTime: number) {
  const counts = { videos: report.videos, dropped_short: report.droppedShort, undecodable: report.undecodable, missing: report.missing };
  return Object.entries(counts).map(([name, value]) => ({ key: `data/${name}`, block: null, step: 0, value, wallTime }));
}

export async function trainJob(job: Extract<WorkerJob, { kind: 'TRAIN' }>, ctx: TrainJobContext): Promise<TrainJobOutcome> {
  const { log, signal, send } = ctx;
  const { config, evaluation } = jobConfig(job);
  // A folder streams its whole split during training (nothing materialised); others are built in memory.
  const dataset = await createTrainingSource(config.dataset);
  checkDatasetFits(config, dataset);
  const trainer = await import('@stratum/trainer');
  const backend = await trainer.selectBackend(config.backend, log);
  const totalSteps = config.regime === 'sequential' ? config.blocks * config.steps : config.steps;
  await send({ type: 'started', backend: { name: backend.name, tried: backend.tried, ...(backend.adapter ? { adapter: backend.adapter } : {}) }, totalSteps });
  const data = 'report' in dataset ? (dataset.report as FolderReport) : null;
  if (data) await send({ type: 'metrics', points: dataPoints(data, Date.now()) });
  const resumeFrom = job.resumeFrom ? new Uint8Array(fs.readFileSync(job.resumeFrom)) : undefined;

  let lastCheckpoint: Uint8Array | null = resumeFrom ?? null;
  let evaluatedStep: number | null = null;
  const evaluate = async (bytes: Uint8Array, step: number) => {
    await send({ type: 'progress', step, totalSteps, phase: 'evaluate' });
    let result;
    try {
      result = await evaluateCheckpoint(bytes, config, evaluation, log);
    } catch (error) {
      // Config errors and the suite failing on extracted features fail the same way on every
      // attempt (evaluateCheckpoint says which); reading data or loading a backend may not.
      if (error instanceof EvaluationError || error instanceof JobConfigError || error instanceof DatasetSpecError) throw error;
      throw new EvaluationError(error, !(error instanceof Error && error.name === 'AnalysisError'));
    }
    await send({ type: 'evaluation', step, evaluations: result.evaluations, similarities: result.similarities, patchDiagnostics: result.patchDiagnostics });
    evaluatedStep = step;
  };

  const summary = await trainer.train(config, {
    dataset,
    signal,
    resumeFrom,
    log,
    onMetrics: async (points) => {
      let step = 0;
      for (const p of points) step = Math.max(step, p.step);
      await send({ type: 'metrics', points });
      await send({ type: 'progress', step, totalSteps, phase: 'train', gpuMemoryMb: trainer.gpuMemoryMb() });
    },
    onCheckpoint: async (checkpoint) => {
      const file = path.join(job.checkpointDir, `step-${checkpoint.step}-${checkpoint.sha256.slice(0, 12)}.ckpt`);
      writeDurably(file, checkpoint.bytes);
      await send({ type: 'checkpoint', step: checkpoint.step, file, sha256: checkpoint.sha256, bytes: checkpoint.bytes.length });
      lastCheckpoint = checkpoint.bytes;
      const every = evaluation.everySteps;
      if (evaluation.enabled && every !== null && checkpoint.step % every === 0 && checkpoint.step < totalSteps && !signal.aborted) await evaluate(checkpoint.bytes, checkpoint.step);
    },
  });
  if (summary.aborted) return { drained: true, step: summary.steps };
  if (evaluation.enabled && evaluatedStep !== summary.steps) {
    // The final checkpoint holds the final weights (the trainer always writes one at the end;
    // a job resumed from its final checkpoint has it as resumeFrom).
    if (!lastCheckpoint) throw new Error('training ended without a checkpoint to evaluate');
    await evaluate(lastCheckpoint, summary.steps);
  }

  return {
    drained: false,
    summary: {
      steps: summary.steps,
      totalSteps: summary.totalSteps,
      finalLosses: summary.finalLosses,
      wallTimeS: summary.wallTimeS,
      stepsPerS: summary.stepsPerS,
      parameters: summary.parameters,
      backend: summary.backend.name,
      ...(summary.backend.adapter ? { adapter: summary.backend.adapter } : {}),
      lastCheckpoint: summary.lastCheckpoint,
      evaluatedStep,
      ...(summary.data ? { data: summary.data } : {}),
    },
  };
}
