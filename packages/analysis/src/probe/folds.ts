/**
 * Stratified k-fold assignment, deterministic for a given seed: each class's samples are
 * shuffled (seeded) and dealt round-robin over the folds, continuing the deal from one class to
 * the next, so every fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ samples of each class c and fold sizes differ
 * by at most one. (Same guarantees as scikit-learn's StratifiedKFold(shuffle=True); the
 * permutation itself differs, since the generators differ.)
 */
import { AnalysisError } from '../errors.js';
import { seededRandom, shuffleInPlace } from '@stratum/stats';
import { type Labels, toLabels } from '../labels.js';

export interface FoldOptions {
  /** Number of folds k ≥ 2. Default 3. */
  readonly folds?: number;
  /** Seed of the shuffle. Default 0. */
  readonly seed?: number;
}

export interface Fold {
  /** Sample indices, ascending. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** The fold (0..k−1) of every sample. Throws if a class has fewer than k samples. */
export function stratifiedFoldAssignment(labels: Labels, options: FoldOptions = {}): Int32Array {
  const fn = 'stratifiedFolds';
  const k = options.folds ?? 3;
  if (!Number.isInteger(k) || k < 2) throw new AnalysisError(fn, `folds must be an integer ≥ 2, got ${k}`);
  const y = toLabels(labels, fn, 'labels');
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => {
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  for (const c of classes) {
    const count = (byClass.get(c) as number[]).length;
    if (count < k) {
      throw new AnalysisError(fn, `class ${c} has ${count} sample${count === 1 ? '' : 's'}; ${k}-fold stratification needs at least ${k} per class`);
    }
  }
  const random = seededRandom(options.seed ?? 0);
  const fold = new Int32Array(y.length);
  let dealt = 0;
  for (const c of classes) {
    const members = byClass.get(c) as number[];
    shuffleInPlace(members, random);
    for (const i of members) fold[i] = dealt++ % k;
  }
  return fold;
}

/** Train/test index sets of stratified k-fold cross-validation. */
export function stratifiedFolds(labels: Labels, options: FoldOptions = {}): Fold[] {
  const assignment = stratifiedFoldAssignment(labels, options);
  const k = options.folds ?? 3;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    assignment.forEach((a, i) => (a === f ? test : train).push(i));
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
