// The IPC contract between the daemon and a job's worker process. The worker never talks to
// the API: it trains and evaluates, and the daemon — which holds the lease — spools, sends,
// uploads and reports. Messages travel with Node's 'advanced' serialization (typed arrays ok).
import type { EvaluationInput, PatchDiagnosticInput, SimilarityInput } from '../protocol/generated/graphql.js';
import type { MetricPoint } from '@stratum/run-config';

/** A job as the worker runs it: everything resolved, files already local. */
export type WorkerJob =
  | {
      kind: 'TRAIN';
      jobId: string;
      runId: string;
      /** The run config as the API stored it (validated again by the trainer). */
      config: unknown;
      /** The backend to load, explicitly (the agent never lets a job fall back silently). */
      backend: string;
      /** A local checkpoint file to resume from. */
      resumeFrom: string | null;
      /** Where the worker writes checkpoint files. */
      checkpointDir: string;
    }
  | {
      kind: 'COMPARE';
      jobId: string;
      runId: string;
      otherRunId: string;
      /** The first run's config (its dataset and `evaluation` settings pick the clips). */
      config: unknown;
      backend: string;
      /** Final checkpoints of the two runs (local files); rows come from the first. */
      checkpoint: string;
      otherCheckpoint: string;
    };

export type ToWorker =
  | { type: 'run'; job: WorkerJob; logLevel: string }
  /** Graceful drain: checkpoint at the next step boundary and stop. */
  | { type: 'drain' }
  /** Try these backends one by one and say which load. */
  | { type: 'detect-backends'; backends: string[] };

/** A WebGPU adapter as the trainer describes it (vendor, device, driver, limits). */
export interface WebgpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
  limits: Record<string, number>;
  features: string[];
}

export interface BackendReport {
  name: string;
  tried: Array<{ name: string; error: string }>;
  adapter?: WebgpuAdapter;
}

export interface BackendCheck {
  name: string;
  ok: boolean;
  error?: string;
  adapter?: WebgpuAdapter;
}

/** One evaluation result, shaped for reportEvaluation (the step is added when it is sent). */
export type EvaluationValue = Omit<EvaluationInput, 'step'>;

/** Where training became non-finite (TrainingDivergedError), shaped for failJob's divergence. */
export interface Divergence {
  step: number;
  /** 1-based block; null = the whole model. */
  block: number | null;
  quantity: 'loss' | 'gradient norm';
  value: 'NaN' | 'Infinity' | '-Infinity';
}

/** A similarity matrix, shaped for reportSimilarity (row-major values). */
export type SimilarityValue = Omit<SimilarityInput, 'step'>;

/** One row of patch diagnostics, shaped for reportPatchDiagnostics. */
export type PatchDiagnosticValue = Omit<PatchDiagnosticInput, 'step'>;

export type FromWorker =
  | { type: 'started'; backend: BackendReport; totalSteps: number | null }
  | { type: 'metrics'; points: MetricPoint[] }
  /** gpuMemoryMb: the worker's GPU memory (webgpu), in use by tensors and allocated by its pool. */
  | { type: 'progress'; step: number; totalSteps: number | null; phase: string; gpuMemoryMb?: { inUse: number; allocated: number } | null }
  | { type: 'checkpoint'; step: number; file: string; sha256: string; bytes: number }
  | { type: 'evaluation'; step: number; evaluations: EvaluationValue[]; similarities: SimilarityValue[]; patchDiagnostics: PatchDiagnosticValue[] }
  | { type: 'done'; summary: Record<string, unknown> }
  /** Stopped after a drain request; its last checkpoint was sent before this. */
  | { type: 'drained'; step: number | null }
  | { type: 'failed'; error: string; retryable: boolean; code: string; divergence?: Divergence }
  | { type: 'backends-detected'; results: BackendCheck[] };
