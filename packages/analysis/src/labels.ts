import { AnalysisError } from './errors.js';

/** Integer class labels, one per sample. */
export type Labels = Int32Array | readonly number[];

/** Validates integer labels and returns them as an Int32Array (no copy for an Int32Array). */
export function toLabels(y: Labels, fn: string, name = 'y'): Int32Array {
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new AnalysisError(fn, `${name}[${i}] = ${v} is not an integer label`);
    }
  }
  return y instanceof Int32Array ? y : Int32Array.from(y);
}
