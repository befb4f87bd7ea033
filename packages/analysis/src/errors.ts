/**
 * The one error type of this package. Degenerate inputs (constant features, mismatched sample
 * counts, NaN, a single class, …) throw it instead of returning NaN, so a bad evaluation fails
 * loudly with the function and the problem in the message.
 */
export class AnalysisError extends Error {
  override readonly name = 'AnalysisError';

  constructor(
    /** The public function that refused its input, e.g. `linearCKA`. */
    readonly fn: string,
    /** What is wrong, in words a person can act on. */
    readonly problem: string,
  ) {
    super(`${fn}: ${problem}`);
  }
}
