// The agent module's per-request loaders.
import { defineLoader } from '../common/loaders.js';
import type { QueueEntry } from '../job/job.type.js';
import { runningJobsByAgent } from '../job/queue.js';
import { agentNames } from './agent.service.js';

export const agentName = defineLoader<string, string | null>('agent.name', agentNames);
export const agentCurrentJobs = defineLoader<string, QueueEntry[]>('agent.currentJobs', runningJobsByAgent);
