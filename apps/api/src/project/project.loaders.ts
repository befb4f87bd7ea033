// The project module's per-request loaders.
import { defineLoader } from '../common/loaders.js';
import type { Sweep } from '../sweep/sweep.type.js';
import { sweepsByProject } from '../sweep/sweep.service.js';
import type { Project } from './project.type.js';
import { projectsByIds, runCounts } from './project.service.js';

export const projectById = defineLoader<string, Project | null>('project.byId', projectsByIds);
export const projectSweeps = defineLoader<string, Sweep[]>('project.sweeps', sweepsByProject);
export const projectRunCount = defineLoader<string, number>('project.runCount', runCounts);
