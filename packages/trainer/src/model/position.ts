/**
 * VideoMAE's fixed 1-D sinusoidal position table (get_sinusoid_encoding_table):
 * angle(pos, j) = pos / 10000^(2·⌊j/2⌋ / d); even dims take sin, odd dims cos (interleaved).
 * Computed in float64 and rounded once, like the numpy original.
 */
export function sinusoidTable(positions: number, dim: number): Float32Array {
  const out = new Float32Array(positions * dim);
  for (let pos = 0; pos < positions; pos++) {
    for (let j = 0; j < dim; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dim);
      out[pos * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}
