/** A non-finite loss: the run fails loudly, naming where. */
export class TrainingDivergedError extends Error {
  constructor(
    /** 1-based global step at which the loss became non-finite. */
    readonly step: number,
    /** 1-based block whose loss it was; null for the E2E loss. */
    readonly block: number | null,
    readonly value: number,
    /** What became non-finite. */
    readonly quantity: 'loss' | 'gradient norm' = 'loss',
  ) {
    super(`training diverged: ${quantity} ${value} at step ${step}${block === null ? '' : ` (block ${block})`}`);
    this.name = 'TrainingDivergedError';
  }
}

/** A checkpoint that cannot be read or does not belong to the run it is resumed into. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
