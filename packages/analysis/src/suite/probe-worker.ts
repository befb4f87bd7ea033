/**
 * The worker thread of `evaluateRepresentationsInParallel`: the suite's probes (and OccDrop) over
 * the pooled features it is sent, posted back as a report, or the error that stopped them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisError } from '../errors.js';
import { evaluateRepresentations } from './evaluate.js';
import type { EvaluationInput, EvaluationOptions } from './types.js';

const { input, options } = workerData as { input: EvaluationInput; options: EvaluationOptions };
try {
  parentPort?.postMessage({ report: evaluateRepresentations(input, options) });
} catch (error) {
  parentPort?.postMessage({
    error: error instanceof AnalysisError ? { fn: error.fn, problem: error.problem } : { fn: null, problem: error instanceof Error ? error.message : String(error) },
  });
}
