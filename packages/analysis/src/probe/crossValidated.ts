/**
 * k-fold cross-validated linear probe: stratified folds (seeded), one `fitLogistic` per fold
 * (standardised on that fold's training part), accuracy on its held-out part. Each fold
 * warm-starts from the previous fold's solution (or from `initial`), which changes only the
 * iteration count, never the optimum. `splits` supplies the folds instead (the suite shares one
 * set of folds, stratified on the first target, between all targets as the paper does).
 */
import { AnalysisError } from '../errors.js';
import { type Labels, toLabels } from '../labels.js';
import { type MatrixLike, selectRows, toMatrix } from '../matrix.js';
import { mean, std } from '../stats.js';
import { type Fold, type FoldOptions, stratifiedFolds } from './folds.js';
import {
  type LogisticModel,
  type LogisticOptions,
  SharedPreconditioner,
  accuracy,
  fitLogisticShared,
  predictLogistic,
} from './logistic.js';

export interface CrossValidationOptions extends FoldOptions, Omit<LogisticOptions, 'initial'> {
  /** Warm starts per fold (e.g. the same fold at the previous depth); by default the previous fold's model. */
  readonly initial?: readonly (LogisticModel | undefined)[];
  /**
   * Other views of the same samples (same rows, same order), scored with each fold's model on
   * that fold's test rows: e.g. features of occluded clips for OccDrop.
   */
  readonly views?: Readonly<Record<string, MatrixLike>>;
  /** Explicit folds (train/test indices into the rows) instead of stratifying on y. */
  readonly splits?: readonly Fold[];
}

export interface FoldResult {
  readonly accuracy: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly iterations: number;
  /** ‖∇F‖_∞ of the mean-scaled objective at the solution. */
  readonly gradientNorm: number;
  readonly converged: boolean;
}

export interface AccuracySummary {
  readonly mean: number;
  /** Population standard deviation over folds (ddof = 0, as np.std). */
  readonly std: number;
  readonly folds: number[];
}

export interface CrossValidationResult extends AccuracySummary {
  readonly foldResults: FoldResult[];
  readonly models: LogisticModel[];
  /** Accuracy of the same fold models on each extra view's test rows. */
  readonly views: Record<string, AccuracySummary>;
  /** Every sample's prediction by the model of the fold that held it out (-1 if no fold did). */
  readonly predictions: Int32Array;
  /** The folds used. */
  readonly splits: readonly Fold[];
}

export function crossValidatedProbe(x: MatrixLike, y: Labels, options: CrossValidationOptions = {}): CrossValidationResult {
  const fn = 'crossValidatedProbe';
  const X = toMatrix(x, fn, 'x');
  const labels = toLabels(y, fn, 'y');
  if (labels.length !== X.rows) throw new AnalysisError(fn, `x has ${X.rows} rows but y has ${labels.length} labels`);
  if (new Set(labels).size < 2) throw new AnalysisError(fn, 'y has a single class; a probe needs at least 2');
  const views = Object.entries(options.views ?? {}).map(([name, v]) => {
    const m = toMatrix(v, fn, `views.${name}`);
    if (m.rows !== X.rows || m.cols !== X.cols) {
      throw new AnalysisError(fn, `views.${name} has shape [${m.rows}, ${m.cols}], x has [${X.rows}, ${X.cols}]`);
    }
    return [name, m] as const;
  });

  const folds = options.splits ?? stratifiedFolds(labels, options);
  folds.forEach((fold, f) => {
    for (const i of [...fold.train, ...fold.test]) {
      if (!(i >= 0 && i < X.rows)) throw new AnalysisError(fn, `splits[${f}] holds row ${i}, outside [0, ${X.rows})`);
    }
    if (fold.train.length === 0 || fold.test.length === 0) throw new AnalysisError(fn, `splits[${f}] has an empty train or test part`);
  });
  const predictions = new Int32Array(X.rows).fill(-1);
  const foldResults: FoldResult[] = [];
  const models: LogisticModel[] = [];
  const viewAccuracies = new Map<string, number[]>(views.map(([name]) => [name, []]));
  let previous: LogisticModel | undefined;
  const shared = new SharedPreconditioner(X.cols);
  folds.forEach((fold, f) => {
    const initial = options.initial?.[f] ?? previous;
    const fitOptions: LogisticOptions = {
      ...(options.C !== undefined ? { C: options.C } : {}),
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      ...(options.precondition !== undefined ? { precondition: options.precondition } : {}),
      ...(initial ? { initial } : {}),
    };
    const trainY = Int32Array.from(fold.train, (i) => labels[i] as number);
    const fit = fitLogisticShared(selectRows(X, fold.train), trainY, fitOptions, shared);
    const testY = Int32Array.from(fold.test, (i) => labels[i] as number);
    const predicted = predictLogistic(fit.model, selectRows(X, fold.test));
    fold.test.forEach((i, t) => (predictions[i] = predicted[t] as number));
    const acc = accuracy(predicted, testY);
    for (const [name, view] of views) {
      (viewAccuracies.get(name) as number[]).push(accuracy(predictLogistic(fit.model, selectRows(view, fold.test)), testY));
    }
    foldResults.push({
      accuracy: acc,
      trainSize: fold.train.length,
      testSize: fold.test.length,
      iterations: fit.iterations,
      gradientNorm: fit.gradientNorm,
      converged: fit.converged,
    });
    models.push(fit.model);
    previous = fit.model;
  });
  const accuracies = foldResults.map((r) => r.accuracy);
  const summary = (values: number[]): AccuracySummary => ({ mean: mean(values), std: std(values), folds: values });
  return {
    ...summary(accuracies),
    foldResults,
    models,
    views: Object.fromEntries([...viewAccuracies].map(([name, values]) => [name, summary(values)])),
    predictions,
    splits: folds,
  };
}
