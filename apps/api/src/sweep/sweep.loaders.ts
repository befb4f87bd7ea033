// The sweep module's per-request loaders.
import { defineLoader } from '../common/loaders.js';
import type { Run } from '../run/run.type.js';
import type { StatusCounts, Sweep } from './sweep.type.js';
import { statusCounts, sweepsByIds } from './sweep.service.js';
import { runsBySweep } from './sweep.runs.js';

export const sweepById = defineLoader<string, Sweep | null>('sweep.byId', sweepsByIds);
export const sweepRuns = defineLoader<string, Run[]>('sweep.runs', runsBySweep);
export const sweepStatusCounts = defineLoader<string, StatusCounts>('sweep.statusCounts', statusCounts);
