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

/** `retrievalFromCosine` for several label families at once (see `rankedRetrieval`). */
export function retrievalForFamilies(cosine: Float64Array, families: readonly Int32Array[], ks: readonly number[], fn = 'retrieval'): RetrievalResult[] {
  return rankedRetrieval(cosine, families, ks, 0, fn).retrieval;
}

/**
 * Leave-one-out retrieval for several label families and, with `neighbours` > 0, every query's
 * nearest neighbours, from ONE ranking of each query's candidates (`rankCandidates`): walking it
 * once gives every family's AP terms (a tie group's relevant items all take precision at the
 * group's end), its first relevant rank (hit@k) and the top k candidates.
 */
export function rankedRetrieval(
  cosine: Float64Array,
  families: readonly Int32Array[],
  ks: readonly number[],
  neighbours: number,
  fn = 'retrieval',
): { retrieval: RetrievalResult[]; neighbours: Neighbours | null } {
  checkKs(ks, fn);
  if (families.length === 0) return { retrieval: [], neighbours: null };
  const n = (families[0] as Int32Array).length;
  const m = n - 1;
  const F = families.length;
  const kk = Math.min(neighbours, m);
  const top = kk > 0 ? { k: kk, index: new Int32Array(n * kk), similarity: new Float64Array(n * kk) } : null;
  const ranker = candidateRanker(n);
  const apSum = new Float64Array(F);
  const queries = new Int32Array(F);
  const hits = families.map(() => new Int32Array(ks.length));
  const groupEnds = new Uint8Array(m);
  for (let q = 0; q < n; q++) {
    const row = q * n;
    const ranking = ranker(cosine, q);
    // Where each tie group ends: its relevant items' precision is taken at its last rank.
    for (let r = 0; r < m; r++) groupEnds[r] = r + 1 === m || cosine[row + (ranking[r + 1] as number)] !== cosine[row + (ranking[r] as number)] ? 1 : 0;
    for (let f = 0; f < F; f++) {
      const y = families[f] as Int32Array;
      const label = y[q] as number;
      let cumulative = 0;
      let inGroup = 0;
      let first = 0;
      let ap = 0;
      for (let r = 0; r < m; r++) {
        if (y[ranking[r] as number] === label) {
          inGroup++;
          if (first === 0) first = r + 1;
        }
        if (inGroup > 0 && groupEnds[r] === 1) {
          cumulative += inGroup;
          ap += (inGroup * cumulative) / (r + 1);
          inGroup = 0;
        }
      }
      if (cumulative === 0) continue;
      apSum[f] = (apSum[f] as number) + ap / cumulative;
      queries[f] = (queries[f] as number) + 1;
      const hit = hits[f] as Int32Array;
      ks.forEach((k, i) => {
        if (first <= k) hit[i] = (hit[i] as number) + 1;
      });
    }
    if (top) {
      for (let t = 0; t < kk; t++) {
        const j = ranking[t] as number;
        top.index[q * kk + t] = j;
        top.similarity[q * kk + t] = cosine[row + j] as number;
      }
    }
  }
  const retrieval = families.map((_, f) => {
    if (queries[f] === 0) throw new AnalysisError(fn, 'no query has a relevant item (every label occurs once), so mAP is undefined');
    const hitRate: Record<number, number> = {};
    ks.forEach((k, i) => (hitRate[k] = ((hits[f] as Int32Array)[i] as number) / n));
    return { mAP: (apSum[f] as number) / (queries[f] as number), hitRate, queries: queries[f] as number, queriesWithoutRelevant: n - (queries[f] as number) };
  });
  return { retrieval, neighbours: top };
}

const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);

/** A uint32 that orders as the float32 rounding of v does (−0 and +0 alike). */
function orderedFloat32Bits(v: number): number {
  float32[0] = v + 0;
  const bits = float32Bits[0] as number;
  return bits >= 0x80000000 ? ~bits >>> 0 : bits + 0x80000000;
}

/**
 * Returns a function giving query q's n − 1 candidates ranked by cosine similarity, descending,
 * ties by ascending index (the ranking rule of the file comment), in a buffer reused across
 * calls. A stable LSD radix sort (four 8-bit digits) of the candidates' float32 order bits,
 * which keeps equal keys in ascending index; then the rare runs whose similarities round to the
 * same float32 are put in exact float64 order by insertion (stable, so exact ties keep
 * ascending index). About a quarter of the time of a native sort of the similarities.
 */
function candidateRanker(n: number): (cosine: Float64Array, q: number) => Int32Array {
  const m = n - 1;
  let keys = new Uint32Array(m);
  let spareKeys = new Uint32Array(m);
  let ranking = new Int32Array(m);
  let spareRanking = new Int32Array(m);
  const counts = new Int32Array(4 * 256);
  return (cosine, q) => {
    const row = q * n;
    counts.fill(0);
    let p = 0;
    for (let j = 0; j < n; j++) {
      if (j === q) continue;
      const key = orderedFloat32Bits(-(cosine[row + j] as number));
      keys[p] = key;
      ranking[p++] = j;
      for (let pass = 0, shift = 0; pass < 4; pass++, shift += 8) {
        const c = pass * 256 + ((key >>> shift) & 255);
        counts[c] = (counts[c] as number) + 1;
      }
    }
    for (let pass = 0; pass < 4; pass++) {
      const shift = pass * 8;
      const base = pass * 256;
      if (m === 0 || counts[base + (((keys[0] as number) >>> shift) & 255)] === m) continue; // one digit value: order unchanged
      let offset = 0;
      for (let d = 0; d < 256; d++) {
        const c = counts[base + d] as number;
        counts[base + d] = offset;
        offset += c;
      }
      for (let r = 0; r < m; r++) {
        const key = keys[r] as number;
        const c = base + ((key >>> shift) & 255);
        const o = counts[c] as number;
        counts[c] = o + 1;
        spareKeys[o] = key;
        spareRanking[o] = ranking[r] as number;
      }
      [keys, spareKeys] = [spareKeys, keys];
      [ranking, spareRanking] = [spareRanking, ranking];
    }
    for (let a = 0; a < m; ) {
      let b = a + 1;
      while (b < m && keys[b] === keys[a]) b++;
      for (let i = a + 1; i < b; i++) {
        const v = ranking[i] as number;
        const s = cosine[row + v] as number;
        let t = i - 1;
        while (t >= a && (cosine[row + (ranking[t] as number)] as number) < s) {
          ranking[t + 1] = ranking[t] as number;
          t--;
        }
        ranking[t + 1] = v;
      }
      a = b;
    }
    return ranking;
  };
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
