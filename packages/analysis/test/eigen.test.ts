import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricEigenvalues, toArrays } from '../src/index.js';
import { maxAbsDiff, mul, randomOrthogonal, randomSymmetric, transposeArrays } from './helpers.js';

function reconstruct(vectors: number[][], values: Float64Array): number[][] {
  const scaled = vectors.map((row) => row.map((v, j) => v * (values[j] as number)));
  return mul(scaled, transposeArrays(vectors));
}

describe('symmetricEigen', () => {
  for (const n of [1, 2, 3, 5, 16, 61]) {
    it(`reconstructs a random symmetric ${n}×${n} matrix with orthonormal vectors`, () => {
      const a = randomSymmetric(n, 100 + n);
      const { values, vectors } = symmetricEigen(a);
      const v = toArrays(vectors!);
      expect(maxAbsDiff(reconstruct(v, values), a)).toBeLessThan(1e-12 * n * 10);
      const eye = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
      expect(maxAbsDiff(mul(transposeArrays(v), v), eye)).toBeLessThan(1e-12 * n * 10);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
      // Eigenvalues alone agree with those computed alongside vectors.
      const alone = symmetricEigenvalues(a);
      for (let i = 0; i < n; i++) expect(Math.abs((alone[i] as number) - (values[i] as number))).toBeLessThan(1e-12 * n * 10);
    });
  }

  it('recovers known eigenvalues of Q·diag(λ)·Qᵀ, repeated ones included', () => {
    const lambda = [-3, 0, 0, 1e-3, 2, 2, 2, 7.5];
    const q = randomOrthogonal(lambda.length, 9);
    const a = mul(
      q.map((row) => row.map((v, j) => v * (lambda[j] as number))),
      transposeArrays(q),
    );
    const values = symmetricEigenvalues(a);
    const expected = lambda.slice().sort((p, r) => p - r);
    expected.forEach((l, i) => expect(values[i]).toBeCloseTo(l, 12));
  });

  it('solves the 2×2 case [[2, 1], [1, 2]] (eigenvalues 1 and 3, vectors (1, ∓1)/√2)', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    const v = toArrays(vectors!);
    // Column 0 ∝ (1, −1), column 1 ∝ (1, 1), up to sign.
    expect(Math.abs((v[0] as number[])[0] as number)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(((v[0] as number[])[0] as number) * ((v[1] as number[])[0] as number)).toBeCloseTo(-0.5, 14);
    expect(((v[0] as number[])[1] as number) * ((v[1] as number[])[1] as number)).toBeCloseTo(0.5, 14);
  });

  it('handles diagonal and zero matrices', () => {
    expect(Array.from(symmetricEigenvalues([[3, 0, 0], [0, -1, 0], [0, 0, 2]]))).toEqual([-1, 2, 3]);
    expect(Array.from(symmetricEigenvalues([[0, 0], [0, 0]]))).toEqual([0, 0]);
  });

  it('refuses non-square and asymmetric input', () => {
    expect(() => symmetricEigen([[1, 2, 3], [4, 5, 6]])).toThrow(/symmetricEigen: A must be square/);
    expect(() => symmetricEigen([[1, 2], [3, 4]])).toThrow(/not symmetric/);
  });
});
