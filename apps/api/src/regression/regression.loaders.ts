// The regression module's per-request loaders.
import { defineLoader, defineParamLoader } from '../common/loaders.js';
import type { RegressionReport } from './regression.type.js';
import { baselineRunIds, regressionChecks } from './regression.service.js';

export const baselineRuns = defineLoader<string, string[]>('baseline.runIds', baselineRunIds);
/** Recorded checks per baseline, newest first, the `first` of them (one loader per page size). */
export const baselineChecks = defineParamLoader<number, string, RegressionReport[]>('baseline.checks', (app, ids, n) => regressionChecks(app, ids, n));
