// A COMPARE job inside the worker: the block×block CKA between two runs' final weights on the
// same evaluation clips (rows: this run's blocks, columns: the other run's) — e.g. a blockwise
// run against its matched E2E run — reported as cross-run similarity matrices. An E2E run has
// no trained block boundaries (a sweep trains it once and pairs it with the blockwise runs of
// every K), so its columns are read at this run's K.
import fs from 'node:fs';
import { batchOf, createDataset } from '@stratum/datasets';
import type { Logger } from '../logger.js';
import { JobConfigError } from './errors.js';
import { evaluationDatasetName, evaluationDatasetSpec, evaluationSettings } from './evaluate.js';
import type { FromWorker, SimilarityValue, WorkerJob } from './messages.js';

const KINDS = { linear: 'LINEAR_CKA', debiased: 'DEBIASED_CKA', rbf: 'RBF_CKA' } as const;

export interface CompareContext {
  log: Logger;
  send: (message: FromWorker) => Promise<void>;
}

export async function compareJob(job: Extract<WorkerJob, { kind: 'COMPARE' }>, ctx: CompareContext): Promise<Record<string, unknown>> {
  const { log, send } = ctx;
  const trainer = await import('@stratum/trainer');
  const { ckaCrossMatrices } = await import('@stratum/analysis');
  const rows = new Uint8Array(fs.readFileSync(job.checkpoint));
  const cols = new Uint8Array(fs.readFileSync(job.otherCheckpoint));
  const a = trainer.decodeCheckpoint(rows).header;
  const b = trainer.decodeCheckpoint(cols).header;
  const shape = (m: typeof a.config.model) => `${m.frames}×${m.height}×${m.width}×${m.channels}`;
  if (shape(a.config.model) !== shape(b.config.model)) {
    throw new JobConfigError(`the two runs take different clips (${shape(a.config.model)} vs ${shape(b.config.model)}); their representations cannot be compared on the same inputs`);
  }
  const evaluation = (job.config as { evaluation?: unknown } | null)?.evaluation;
  const settings = evaluationSettings(evaluation);
  const backend = await trainer.selectBackend(job.backend as Parameters<typeof trainer.selectBackend>[0], log);
  await send({ type: 'started', backend: { name: backend.name, tried: backend.tried }, totalSteps: null });

  const spec = evaluationDatasetSpec(a.config.dataset, settings);
  const dataset = await createDataset(spec);
  const n = Math.min(dataset.size, settings.clips);
  const batch = batchOf(dataset, Array.from({ length: n }, (_, i) => i));
  const clips = { clips: batch.clips, shape: batch.shape };
  await send({ type: 'progress', step: a.step, totalSteps: null, phase: 'compare' });
  const pooled = async (checkpoint: Uint8Array, partition?: number) =>
    (await trainer.embed(checkpoint, clips, { tokens: false, ...(partition ? { partition } : {}) })).blocks.map((f) => ({ rows: f.pooledShape[0], cols: f.pooledShape[1], data: f.pooled }));
  const otherPartition = b.config.regime === 'e2e' && b.config.model.depth % a.config.blocks === 0 ? a.config.blocks : undefined;
  const [fa, fb] = [await pooled(rows), await pooled(cols, otherPartition)];
  const name = evaluationDatasetName(spec);
  const similarities: SimilarityValue[] = ckaCrossMatrices(fa, fb).map((m) => ({
    kind: KINDS[m.kind],
    dataset: name,
    rowLabels: fa.map((_, i) => `B${i + 1}`),
    colLabels: fb.map((_, j) => `B${j + 1}`),
    values: m.values.flat(),
    otherRunId: job.otherRunId,
  }));
  await send({ type: 'evaluation', step: a.step, evaluations: [], similarities, patchDiagnostics: [] });
  log.info({ dataset: name, clips: n, rows: fa.length, cols: fb.length, step: a.step, otherStep: b.step }, 'cross-run similarity computed');
  return { kind: 'COMPARE', dataset: name, clips: n, step: a.step, otherStep: b.step, blocks: [fa.length, fb.length], backend: backend.name };
}
