// The training modes of a run, as the API names them, and the trainer's names for them.
export const RUN_MODES = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'] as const;
export type RunModeName = (typeof RUN_MODES)[number];

export const MODE_ALIASES: Readonly<Record<string, RunModeName>> = {
  e2e: 'E2E',
  simultaneous: 'BLOCKWISE_SIMULTANEOUS',
  blockwise_simultaneous: 'BLOCKWISE_SIMULTANEOUS',
  sequential: 'BLOCKWISE_SEQUENTIAL',
  blockwise_sequential: 'BLOCKWISE_SEQUENTIAL',
};
