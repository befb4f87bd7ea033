/**
 * The probe, average precision and hit@k against scikit-learn on the same features, and the
 * spectrum, pair statistics and RBF CKA against numpy written from the paper's formulas. Runs
 * Debian's /usr/bin/python3 explicitly (a `python3` on PATH may be another interpreter without
 * scikit-learn); `.ci/run` installs python3-sklearn. Skipped, with the reason in its name, when
 * that interpreter lacks scikit-learn.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distanceStatistics, evaluateRepresentations, rbfCKA, retrieval, spectrumStatistics, stratifiedFolds } from '../src/index.js';
import { seededRandom } from '@stratum/stats';

const PYTHON = '/usr/bin/python3';

function hasSklearn(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SCRIPT = String.raw`
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from sklearn.multioutput import MultiOutputClassifier
from sklearn.metrics import accuracy_score, average_precision_score
from sklearn.metrics.pairwise import cosine_similarity

d = json.load(open(sys.argv[1]))
X = np.array(d['x'], dtype=np.float64)
Y = np.array(d['y'], dtype=np.int64).T  # [n, targets]

def probe():
    return LogisticRegression(C=1.0, tol=1e-10, max_iter=100000)

folds, overall = [], []
for fold in d['splits']:
    tr, te = np.array(fold['train']), np.array(fold['test'])
    accs = []
    for t in range(Y.shape[1]):
        clf = make_pipeline(StandardScaler(), probe()).fit(X[tr], Y[tr, t])
        accs.append(float(accuracy_score(Y[te, t], clf.predict(X[te]))))
    folds.append(accs)
    multi = make_pipeline(StandardScaler(), MultiOutputClassifier(probe())).fit(X[tr], Y[tr])
    overall.append(float(multi.score(X[te], Y[te])))

def retrieval(Z, y, ks):
    S = cosine_similarity(Z)
    n = len(y)
    aps = []
    for q in range(n):
        rel = np.delete(y == y[q], q).astype(int)
        if rel.sum() > 0:
            aps.append(average_precision_score(rel, np.delete(S[q], q)))
    # Descending similarity, ties by ascending index (stable sort), the query itself last.
    order = np.argsort(-np.where(np.eye(n, dtype=bool), -np.inf, S), axis=1, kind='stable')
    hits = {str(k): float(np.mean([np.any(y[order[q, :k]] == y[q]) for q in range(n)])) for k in ks}
    return {'mAP': float(np.mean(aps)), 'hit': hits}

def spectrum(Z):
    n = Z.shape[0]
    s = np.linalg.svd(Z - Z.mean(axis=0), compute_uv=False)
    lam = s ** 2 / (n - 1)
    total = lam.sum()
    p = lam / total
    k = int(np.searchsorted(np.cumsum(np.sort(lam)[::-1]), 0.9 * total, side='left') + 1)
    return {
        'count': int(lam.size),
        'effectiveRank': float(np.exp(-np.sum(p * np.log(np.maximum(p, 1e-12))))),
        'participationRatio': float(total ** 2 / np.sum(lam ** 2)),
        'isotropyRatio': float(lam.max() / lam.mean()),
        'explainedK': min(max(k, 1), lam.size),
        'conditionNumber': float(lam.max() / max(lam.min(), 1e-12)),
    }

def pairs(Z):
    n = Z.shape[0]
    off = ~np.eye(n, dtype=bool)
    U = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    cos = (U @ U.T)[off]
    dist = np.sqrt(np.maximum(((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1), 0))[off]
    q = lambda a: [float(np.quantile(a, v)) for v in (0.05, 0.5, 0.95)]
    return {'cos': [float(cos.mean()), float(cos.std())] + q(cos), 'dist': [float(dist.mean()), float(dist.std())] + q(dist)}

def rbf_cka(A, B):
    def centred_kernel(Z):
        sq = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1)
        sigma = np.median(np.sqrt(sq[np.triu_indices(len(Z), k=1)]))
        K = np.exp(-sq / (2 * sigma ** 2))
        H = np.eye(len(Z)) - 1.0 / len(Z)
        return H @ K @ H
    K, L = centred_kernel(A), centred_kernel(B)
    return float((K * L).sum() / np.sqrt((K * K).sum() * (L * L).sum()))

ties = np.array(d['ties'], dtype=np.float64)
wide = np.array(d['wide'], dtype=np.float64)
print(json.dumps({
    'folds': folds,
    'overall': overall,
    'retrieval': [retrieval(X, Y[:, t], d['ks']) for t in range(Y.shape[1])],
    'tiesRetrieval': retrieval(ties, np.array(d['tiesY']), d['ks']),
    'spectrum': spectrum(X),
    'wideSpectrum': spectrum(wide),
    'pairs': pairs(X),
    'rbf': rbf_cka(X, np.array(d['x2'], dtype=np.float64)),
}))
`;

interface Reference {
  folds: number[][];
  overall: number[];
  retrieval: { mAP: number; hit: Record<string, number> }[];
  tiesRetrieval: { mAP: number; hit: Record<string, number> };
  spectrum: Record<string, number>;
  wideSpectrum: Record<string, number>;
  pairs: { cos: number[]; dist: number[] };
  rbf: number;
}

/** Features with class structure in two label families (3 and 2 classes), so the probes are neither perfect nor chance. */
function fixture(): { x: number[][]; y: number[][] } {
  const r = seededRandom(17);
  const n = 96;
  const d = 6;
  const a = Array.from({ length: n }, (_, i) => i % 3);
  const b = Array.from({ length: n }, (_, i) => Math.floor(i / 3) % 2);
  const x = Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (__, j) => r.normal() * 1.2 + (j === a[i] ? 1 : 0) + (j === 3 + (b[i] as number) ? 0.8 : 0) + 0.5),
  );
  return { x, y: [a, b] };
}

const close = (actual: number, expected: number, tolerance: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
};

describe.skipIf(!hasSklearn())('agreement with scikit-learn and numpy (needs /usr/bin/python3 with scikit-learn; skipped without it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-sklearn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { x, y } = fixture();
  const ks = [1, 5, 10];
  const splits = stratifiedFolds(y[0] as number[], { folds: 3, seed: 5 });
  // Duplicated rows and labels make exact ties between relevant and irrelevant candidates.
  const r = seededRandom(3);
  const base = Array.from({ length: 20 }, () => [r.normal(), r.normal(), r.normal()]);
  const ties = [...base, ...base.slice(0, 8), ...base.slice(4, 10)];
  const tiesY = ties.map((_, i) => (i * 7) % 4);
  const wide = Array.from({ length: 96 }, () => Array.from({ length: 150 }, () => r.normal()));
  const wideSmall = wide.slice(0, 40);
  // A second representation of the same clips, related nonlinearly to the first (for RBF CKA).
  const x2 = x.map((row, i) => [...row.map((v) => Math.tanh(v)), ...(wide[i] as number[]).slice(0, 3).map((v) => 0.5 * v)]);
  const path = join(dir, 'input.json');
  writeFileSync(
    path,
    JSON.stringify({ x, y, ks, splits: splits.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })), ties, tiesY, wide: wideSmall, x2 }),
  );
  const ref = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, path], { encoding: 'utf8', maxBuffer: 1 << 24 })) as Reference;
  const report = evaluateRepresentations({ depths: [{ block: 1, pooled: x }], labels: { a: y[0] as number[], b: y[1] as number[] } }, { probe: { seed: 5 }, retrieval: { ks }, similarity: false });
  const row = (metric: string, target: string | null) => report.metrics.find((m) => m.metric === metric && m.target === target);

  it('probe accuracy per fold and target, and the overall accuracy, to 1e-4', () => {
    (['a', 'b'] as const).forEach((target, t) => {
      const folds = row('accuracy', target)?.folds as number[];
      expect(folds).toHaveLength(3);
      folds.forEach((acc, f) => close(acc, (ref.folds[f] as number[])[t] as number, 1e-4));
    });
    // Not trivial: neither perfect nor chance.
    expect(row('accuracy', 'a')?.value).toBeGreaterThan(0.5);
    expect(row('accuracy', 'a')?.value).toBeLessThan(1);
    const overall = row('overallAccuracy', null)?.folds as number[];
    overall.forEach((acc, f) => close(acc, ref.overall[f] as number, 1e-4));
  });

  it('mAP (average_precision_score per query) to 1e-9 and hit@k exactly, ties included', () => {
    (['a', 'b'] as const).forEach((target, t) => {
      const expected = ref.retrieval[t] as Reference['tiesRetrieval'];
      close(row('mAP', target)?.value as number, expected.mAP, 1e-9);
      for (const k of ks) expect(row(`hit@${k}`, target)?.value).toBe(expected.hit[String(k)]);
    });
    const tied = retrieval(ties, tiesY, { ks });
    close(tied.mAP, ref.tiesRetrieval.mAP, 1e-9);
    for (const k of ks) expect(tied.hitRate[k]).toBe(ref.tiesRetrieval.hit[String(k)]);
  });

  it('the spectrum summaries (n > d and n < d), pair statistics and RBF CKA to 1e-9', () => {
    for (const [features, expected] of [
      [x, ref.spectrum],
      [wideSmall, ref.wideSpectrum],
    ] as const) {
      const s = spectrumStatistics(features);
      expect(s.eigenvalues.length).toBe(expected.count);
      for (const key of ['effectiveRank', 'participationRatio', 'isotropyRatio', 'conditionNumber'] as const) close(s[key], expected[key] as number, 1e-9);
      expect(s.explainedK).toBe(expected.explainedK);
    }
    const p = distanceStatistics(x);
    [p.meanCosine, p.stdCosine, p.cosineQuantiles.q05, p.cosineQuantiles.q50, p.cosineQuantiles.q95].forEach((v, i) => close(v, ref.pairs.cos[i] as number, 1e-9));
    [p.meanDistance, p.stdDistance, p.distanceQuantiles.q05, p.distanceQuantiles.q50, p.distanceQuantiles.q95].forEach((v, i) => close(v, ref.pairs.dist[i] as number, 1e-9));
    close(rbfCKA(x, x2), ref.rbf, 1e-9);
    expect(ref.rbf).toBeLessThan(0.99);
  });
});
