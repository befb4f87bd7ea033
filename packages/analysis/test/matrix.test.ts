import { describe, expect, it } from 'vitest';
import {
  AnalysisError,
  cholesky,
  crossProduct,
  dotRows,
  gram,
  inverseSPD,
  matmul,
  matrix,
  toArrays,
  toMatrix,
  transpose,
  centerColumns,
  normalizeRows,
  median,
  std,
} from '../src/index.js';
import { centredAndCosineGrams, choleskySolveRows, scatterMatrix } from '../src/matrix.js';
import { selectKth } from '../src/stats.js';
import { maxAbsDiff, mul, randomMatrix, transposeArrays } from './helpers.js';

describe('toMatrix', () => {
  it('converts number[][] row-major and keeps a Float64 matrix as is', () => {
    const m = toMatrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toMatrix(m)).toBe(m);
    const f32 = toMatrix({ rows: 1, cols: 2, data: new Float32Array([0.5, 2]) });
    expect(f32.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f32.data)).toEqual([0.5, 2]);
  });

  it('rejects NaN, Infinity, ragged and empty input with the function named', () => {
    expect(() => toMatrix([[1, NaN]], 'linearCKA', 'x')).toThrow(/linearCKA: x contains NaN at \[0, 1\]/);
    expect(() => toMatrix([[1], [Infinity]], 'f', 'y')).toThrow(/Infinity at \[1, 0\]/);
    expect(() => toMatrix([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => toMatrix([])).toThrow(/empty/);
    expect(() => toMatrix({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(AnalysisError);
  });
});

describe('products', () => {
  const a = randomMatrix(7, 5, 1);
  const b = randomMatrix(9, 5, 2);
  it('dotRows = A·Bᵀ, including odd sizes and the symmetric path', () => {
    expect(maxAbsDiff(toArrays(dotRows(toMatrix(a), toMatrix(b))), mul(a, transposeArrays(b)))).toBeLessThan(1e-12);
    const g = toArrays(gram(toMatrix(a)));
    expect(maxAbsDiff(g, mul(a, transposeArrays(a)))).toBeLessThan(1e-12);
    expect(maxAbsDiff(g, transposeArrays(g))).toBe(0);
  });

  it('crossProduct = Xᵀ·Y, matmul = A·B, transpose', () => {
    const y = randomMatrix(7, 3, 3);
    expect(maxAbsDiff(toArrays(crossProduct(toMatrix(a), toMatrix(y))), mul(transposeArrays(a), y))).toBeLessThan(1e-12);
    const c = randomMatrix(5, 4, 4);
    expect(maxAbsDiff(toArrays(matmul(toMatrix(a), toMatrix(c))), mul(a, c))).toBeLessThan(1e-12);
    // Large enough for the transposed, blocked path.
    const p = randomMatrix(41, 43, 5);
    const q = randomMatrix(43, 39, 6);
    expect(maxAbsDiff(toArrays(matmul(toMatrix(p), toMatrix(q))), mul(p, q))).toBeLessThan(1e-11);
    const big = randomMatrix(45, 37, 5);
    expect(toArrays(transpose(toMatrix(big)))).toEqual(transposeArrays(big));
  });

  it('refuses mismatched inner dimensions', () => {
    expect(() => matmul(toMatrix(a), toMatrix(a))).toThrow(/inner dimensions/);
    expect(() => dotRows(toMatrix(a), toMatrix(randomMatrix(2, 4, 1)))).toThrow(/inner dimensions/);
  });
});

describe('centring and normalising', () => {
  it('centres columns and normalises rows', () => {
    const c = toArrays(centerColumns(toMatrix([[1, 10], [3, 20]])));
    expect(c).toEqual([[-1, -5], [1, 5]]);
    const u = toArrays(normalizeRows(toMatrix([[3, 4]])));
    expect(u[0]?.[0]).toBeCloseTo(0.6, 15);
    expect(u[0]?.[1]).toBeCloseTo(0.8, 15);
    expect(() => normalizeRows(toMatrix([[0, 0]]), 'retrieval', 'features')).toThrow(/retrieval: features row 0 has zero norm/);
  });
});

describe('centredAndCosineGrams', () => {
  it('gives the centred Gram and the cosines of the rows, also when a large shared offset dominates', () => {
    for (const offset of [0, 1e3]) {
      const rows = randomMatrix(40, 7, 3).map((r) => r.map((v, j) => v + offset * (j + 1)));
      const x = toMatrix(rows);
      const { centred, cosine } = centredAndCosineGrams(x);
      expect(maxAbsDiff([Array.from(centred)], [Array.from(gram(centerColumns(x)).data)])).toBeLessThan(1e-9);
      const direct = gram(normalizeRows(x)).data;
      expect(maxAbsDiff([Array.from(cosine)], [Array.from(direct)])).toBeLessThan(1e-12);
      for (let i = 0; i < 40; i++) expect(cosine[i * 40 + i]).toBe(1);
    }
    expect(() => centredAndCosineGrams(toMatrix([[1, 2], [0, 0]]), 'evaluateRepresentations', 'B1 pooled features')).toThrow(
      /evaluateRepresentations: B1 pooled features row 1 has zero norm/,
    );
  });
});

describe('scatterMatrix', () => {
  it('equals XcᵀXc over several chunks, from Float32 data too', () => {
    const x = randomMatrix(600, 5, 12).map((r) => r.map((v) => v + 3));
    const direct = toArrays(crossProduct(centerColumns(toMatrix(x)), centerColumns(toMatrix(x))));
    expect(maxAbsDiff(toArrays(scatterMatrix(Float64Array.from(x.flat()), 600, 5)), direct)).toBeLessThan(1e-9);
    const f32 = Float32Array.from(x.flat());
    const x32 = toMatrix({ rows: 600, cols: 5, data: f32 });
    const direct32 = toArrays(crossProduct(centerColumns(x32), centerColumns(x32)));
    expect(maxAbsDiff(toArrays(scatterMatrix(f32, 600, 5)), direct32)).toBeLessThan(1e-9);
    const raw = toArrays(scatterMatrix(Float64Array.from(x.flat()), 600, 5, false));
    expect(maxAbsDiff(raw, mul(transposeArrays(x), x))).toBeLessThan(1e-8);
  });
});

describe('Cholesky', () => {
  const x = randomMatrix(30, 12, 7);
  const spd = toArrays(gram(transpose(toMatrix(x)))).map((row, i) => row.map((v, j) => v + (i === j ? 0.5 : 0)));
  it('factors A = L·Lᵀ and inverts', () => {
    const L = toArrays(cholesky(toMatrix(spd)));
    expect(maxAbsDiff(mul(L, transposeArrays(L)), spd)).toBeLessThan(1e-10);
    const inv = toArrays(inverseSPD(toMatrix(spd)));
    const eye = spd.map((_, i) => spd.map((__, j) => (i === j ? 1 : 0)));
    expect(maxAbsDiff(mul(spd, inv), eye)).toBeLessThan(1e-9);
  });

  it('solves several right-hand sides at once', () => {
    const L = cholesky(toMatrix(spd));
    const rhs = randomMatrix(3, 12, 8);
    const b = Float64Array.from(rhs.flat());
    choleskySolveRows(L, b, 3);
    const solved = [0, 1, 2].map((r) => Array.from(b.subarray(r * 12, (r + 1) * 12)));
    expect(maxAbsDiff(mul(solved, spd), rhs)).toBeLessThan(1e-9);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(matrix(2, 2, new Float64Array([1, 2, 2, 1])))).toThrow(/not positive definite/);
  });
});

describe('statistics', () => {
  it('median follows numpy (mean of the two middle values)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(std([1, 3])).toBe(1);
  });

  it('selectKth matches sorting', () => {
    const values = randomMatrix(1, 101, 3)[0] as number[];
    const sorted = values.slice().sort((p, q) => p - q);
    for (const k of [0, 1, 50, 99, 100]) expect(selectKth(Float64Array.from(values), k)).toBe(sorted[k]);
  });
});
