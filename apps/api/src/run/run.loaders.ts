// The run module's per-request loaders.
import { defineLoader, defineParamLoader } from '../common/loaders.js';
import type { EvaluationFilter } from './run.input.js';
import type { Checkpoint, Evaluation, JobAttempt, Run } from './run.type.js';
import { checkpointsByRun, evaluationsByRun, jobsByRun, runsByIds } from './run.service.js';

export const runById = defineLoader<string, Run | null>('run.byId', runsByIds);
export const runCheckpoints = defineLoader<string, Checkpoint[]>('run.checkpoints', checkpointsByRun);
export const runJobs = defineLoader<string, JobAttempt[]>('run.jobs', jobsByRun);
/** One loader per distinct filter, so a page of runs asking the same thing is one query. */
export const runEvaluations = defineParamLoader<EvaluationFilter | undefined, string, Evaluation[]>('run.evaluations', (app, ids, filter) => evaluationsByRun(app, ids, filter));
