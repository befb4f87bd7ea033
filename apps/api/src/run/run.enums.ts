// GraphQL enums of runs, registered once here (other modules import them from this file).
import { registerEnumType } from 'type-graphql';
import { RunMode, RunStatus } from '@stratum/db';

registerEnumType(RunMode, {
  name: 'RunMode',
  description: 'E2E: one decoder on the last block, gradients through all layers. BLOCKWISE_SIMULTANEOUS: a decoder per block, stop-gradient at every boundary, all blocks in one step. BLOCKWISE_SEQUENTIAL: block k trained after blocks < k, which stay frozen.',
});
registerEnumType(RunStatus, { name: 'RunStatus', description: 'Where a run is: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED.' });

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

export { RunMode, RunStatus };

/** The trainer's name for each mode (`regime` in the run config). */
export const REGIME_OF_MODE: Record<RunMode, 'e2e' | 'simultaneous' | 'sequential'> = {
  E2E: 'e2e',
  BLOCKWISE_SIMULTANEOUS: 'simultaneous',
  BLOCKWISE_SEQUENTIAL: 'sequential',
};

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
