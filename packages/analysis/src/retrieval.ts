/**
 * Retrieval and k-nearest-neighbour classification by cosine similarity, leave-one-out over one
 * labelled set (every sample queries all the others; same label = relevant). The retrieval
 * conventions are the paper's (its released `eva_embeddings.py`, `_retrieval_metrics`):
 *
 *   AP(q)  = scikit-learn's `average_precision_score` on the n − 1 other samples: the
 *            candidates' distinct similarities are the thresholds (tied scores form ONE
 *            threshold), AP = Σ_t (R_t − R_{t−1})·P_t, i.e.
 *            AP(q) = (1/R) Σ_{relevant j} #{relevant i: s_i ≥ s_j} / #{candidates i: s_i ≥ s_j}
 *            (R = number of relevant items; without ties: the mean of precision at each
 *            relevant rank)
 *   mAP    = mean of AP(q) over the queries with at least one relevant item (the others have
 *            no AP and are counted in `queriesWithoutRelevant`)
 *   hit@k  = share of ALL n queries with a relevant item among their k most similar others; a
 *            query without any relevant item is a miss. The query itself never counts.
 *
 * Ranking rule for hit@k (deterministic, label-independent): candidates ordered by cosine
 * similarity, descending, ties broken by ascending sample index (numpy's argsort leaves the
 * order of exact ties unspecified; only exact ties at the k-th place can differ).
 */
import { AnalysisError } from './errors.js';
import { type Labels, toLabels } from './labels.js';
import { type Matrix, type MatrixLike, dotRows, gram, normalizeRows, toMatrix } from './matrix.js';

export interface RetrievalOptions {
  /** Cut-offs for hit@k. Default [1, 5, 10]. */
  readonly ks?: readonly number[];
}

export interface RetrievalResult {
  readonly mAP: number;
  /** hit@k per requested k. */
  readonly hitRate: Record<number, number>;
  /** Queries that entered mAP and hit@k. */
  readonly queries: number;
  /** Queries left out because no other sample shares their label. */
  readonly queriesWithoutRelevant: number;
}

function checkKs(ks: readonly number[], fn: string): void {
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new AnalysisError(fn, `every k must be a positive integer, got ${k}`);
}

function prepare(features: MatrixLike, labels: Labels, fn: string): { X: Matrix; y: Int32Array } {
  const X = toMatrix(features, fn, 'features');
  const y = toLabels(labels, fn, 'labels');
  if (y.length !== X.rows) throw new AnalysisError(fn, `features has ${X.rows} rows but labels has ${y.length}`);
  if (X.rows < 2) throw new AnalysisError(fn, `leave-one-out needs at least 2 samples, got ${X.rows}`);
  return { X, y };
}

/** Cosine-similarity retrieval, leave-one-out: mAP and hit@k (see the file comment). */
export function retrieval(features: MatrixLike, labels: Labels, options: RetrievalOptions = {}): RetrievalResult {
  const fn = 'retrieval';
  const ks = options.ks ?? [1, 5, 10];
  checkKs(ks, fn);
  const { X, y } = prepare(features, labels, fn);
  return retrievalFromCosine(gram(normalizeRows(X, fn, 'features')).data, y, ks, fn);
}

/** `retrieval` from a precomputed n×n cosine-similarity matrix. */
export function retrievalFromCosine(cosine: Float64Array, y: Int32Array, ks: readonly number[], fn = 'retrieval'): RetrievalResult {
  return retrievalForFamilies(cosine, [y], ks, fn)[0] as RetrievalResult;
}

/**
 * `retrievalFromCosine` for several label families at once: each query's candidate similarities
 * are sorted once and serve every family (counts of candidates at or above a score are binary
 * searches in that order).
 */
export function retrievalForFamilies(cosine: Float64Array, families: readonly Int32Array[], ks: readonly number[], fn = 'retrieval'): RetrievalResult[] {
  checkKs(ks, fn);
  if (families.length === 0) return [];
  const n = (families[0] as Int32Array).length;
  // Negated similarities: ascending order = descending similarity.
  const sorted = new Float64Array(n - 1);
  const relevant = new Float64Array(n - 1);
  const state = families.map(() => ({ ap: 0, queries: 0, without: 0, hits: ks.map(() => 0) }));
  for (let q = 0; q < n; q++) {
    const row = q * n;
    let p = 0;
    for (let j = 0; j < n; j++) if (j !== q) sorted[p++] = -(cosine[row + j] as number);
    sorted.sort();
    families.forEach((y, f) => {
      const acc = state[f] as { ap: number; queries: number; without: number; hits: number[] };
      const label = y[q] as number;
      let count = 0;
      for (let j = 0; j < n; j++) if (j !== q && y[j] === label) relevant[count++] = -(cosine[row + j] as number);
      if (count === 0) {
        acc.without++;
        return;
      }
      const rel = relevant.subarray(0, count).sort();
      // One term per relevant item: precision at its score's threshold (ties share it).
      let ap = 0;
      for (let m = 0; m < count; ) {
        const v = rel[m] as number;
        let end = m + 1;
        while (end < count && rel[end] === v) end++;
        ap += ((end - m) * end) / upperBound(sorted, v);
        m = end;
      }
      acc.ap += ap / count;
      acc.queries++;
      const rank = firstRelevantRank(sorted, rel[0] as number, cosine, y, q);
      ks.forEach((k, i) => {
        if (rank <= k) acc.hits[i] = (acc.hits[i] as number) + 1;
      });
    });
  }
  return state.map((acc) => {
    if (acc.queries === 0) throw new AnalysisError(fn, 'no query has a relevant item (every label occurs once), so mAP is undefined');
    const hitRate: Record<number, number> = {};
    ks.forEach((k, i) => (hitRate[k] = (acc.hits[i] as number) / n));
    return { mAP: acc.ap / acc.queries, hitRate, queries: acc.queries, queriesWithoutRelevant: acc.without };
  });
}

/** First index with a[i] ≥ v in an ascending array (= the number of values < v). */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of values ≤ v in an ascending array. */
function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * 1-based rank of q's best relevant item (negated similarity `best`) in the index-ordered
 * ranking: the candidates strictly more similar, then, among those tied with it, the ones with
 * a smaller index.
 */
function firstRelevantRank(sorted: Float64Array, best: number, cosine: Float64Array, y: Int32Array, q: number): number {
  const above = lowerBound(sorted, best);
  if (upperBound(sorted, best) - above === 1) return above + 1;
  const n = y.length;
  const row = q * n;
  let before = 0;
  for (let j = 0; j < n; j++) {
    if (j === q || -(cosine[row + j] as number) !== best) continue;
    if (y[j] === y[q]) break;
    before++;
  }
  return above + before + 1;
}

export interface KnnOptions {
  /** Neighbours that vote. Default 20 (DINO). */
  readonly k?: number;
  /** Vote weight exp(similarity / temperature). Default 0.07 (DINO, InstDisc). */
  readonly temperature?: number;
}

/**
 * Weighted k-NN classifier of Wu et al. (InstDisc) as used by DINO: the k most cosine-similar
 * training samples vote for their label with weight exp(sim/τ); the label with the largest total
 * wins (ties → the smaller label). Returns the predicted label of every test sample.
 */
export function knnPredict(
  trainFeatures: MatrixLike,
  trainLabels: Labels,
  testFeatures: MatrixLike,
  options: KnnOptions = {},
): Int32Array {
  const fn = 'knnPredict';
  const { X: train, y } = prepare(trainFeatures, trainLabels, fn);
  const test = toMatrix(testFeatures, fn, 'testFeatures');
  if (test.cols !== train.cols) throw new AnalysisError(fn, `testFeatures has ${test.cols} features, trainFeatures has ${train.cols}`);
  const similarity = dotRows(normalizeRows(test, fn, 'testFeatures'), normalizeRows(train, fn, 'trainFeatures')).data;
  return knnFromSimilarity(similarity, test.rows, y, -1, options, fn);
}

/** Leave-one-out weighted k-NN accuracy over one labelled set (each sample classified by the others). */
export function knnAccuracy(features: MatrixLike, labels: Labels, options: KnnOptions = {}): number {
  const fn = 'knnAccuracy';
  const { X, y } = prepare(features, labels, fn);
  return knnAccuracyFromCosine(gram(normalizeRows(X, fn, 'features')).data, y, options, fn);
}

/** `knnAccuracy` from a precomputed n×n cosine-similarity matrix. */
export function knnAccuracyFromCosine(cosine: Float64Array, y: Int32Array, options: KnnOptions = {}, fn = 'knnAccuracy'): number {
  const predicted = knnFromSimilarity(cosine, y.length, y, 0, options, fn);
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) hits++;
  return hits / y.length;
}

/** The k most similar candidates of every query, descending (ties: lower index first). */
export interface Neighbours {
  readonly k: number;
  readonly index: Int32Array; // [queries, k]
  readonly similarity: Float64Array; // [queries, k]
}

/**
 * Top-k candidates per query from similarities [queries, candidates] (row-major). With
 * `leaveOneOut` the queries are the candidates themselves and candidate i is skipped for query i.
 */
export function nearestNeighbours(similarity: Float64Array, queries: number, candidates: number, k: number, leaveOneOut: boolean, fn: string): Neighbours {
  if (!Number.isInteger(k) || k < 1) throw new AnalysisError(fn, `k must be a positive integer, got ${k}`);
  const kk = Math.min(k, leaveOneOut ? candidates - 1 : candidates);
  if (kk < 1) throw new AnalysisError(fn, `needs at least ${leaveOneOut ? 2 : 1} candidate samples, got ${candidates}`);
  const index = new Int32Array(queries * kk);
  const sims = new Float64Array(queries * kk);
  for (let q = 0; q < queries; q++) {
    const row = q * candidates;
    const o = q * kk;
    // Insertion into a descending buffer; scanning j ascending with strict '>' keeps the lower
    // index first among equal similarities.
    let filled = 0;
    for (let j = 0; j < candidates; j++) {
      if (leaveOneOut && j === q) continue;
      const s = similarity[row + j] as number;
      if (filled === kk && s <= (sims[o + kk - 1] as number)) continue;
      let p = filled < kk ? filled++ : kk - 1;
      while (p > 0 && s > (sims[o + p - 1] as number)) {
        sims[o + p] = sims[o + p - 1] as number;
        index[o + p] = index[o + p - 1] as number;
        p--;
      }
      sims[o + p] = s;
      index[o + p] = j;
    }
  }
  return { k: kk, index, similarity: sims };
}

/** Weighted votes exp(sim/τ) of the neighbours' labels; the largest total wins (ties → smaller label). */
export function knnVote(neighbours: Neighbours, y: Int32Array, temperature: number, fn: string): Int32Array {
  if (!(temperature > 0)) throw new AnalysisError(fn, `temperature must be positive, got ${temperature}`);
  const { k, index, similarity } = neighbours;
  const queries = index.length / k;
  const labels = Int32Array.from(new Set(y)).sort();
  const slot = new Map<number, number>();
  labels.forEach((c, i) => slot.set(c, i));
  const votes = new Float64Array(labels.length);
  const out = new Int32Array(queries);
  for (let q = 0; q < queries; q++) {
    votes.fill(0);
    // Subtracting the top similarity before exp keeps the weights finite; the argmax is unchanged.
    const top = similarity[q * k] as number;
    for (let t = 0; t < k; t++) {
      const c = slot.get(y[index[q * k + t] as number] as number) as number;
      votes[c] = (votes[c] as number) + Math.exp(((similarity[q * k + t] as number) - top) / temperature);
    }
    let best = 0;
    for (let c = 1; c < votes.length; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
    out[q] = labels[best] as number;
  }
  return out;
}

function knnFromSimilarity(
  similarity: Float64Array,
  queries: number,
  y: Int32Array,
  selfOffset: number,
  options: KnnOptions,
  fn: string,
): Int32Array {
  const neighbours = nearestNeighbours(similarity, queries, y.length, options.k ?? 20, selfOffset === 0, fn);
  return knnVote(neighbours, y, options.temperature ?? 0.07, fn);
}
