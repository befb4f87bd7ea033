/**
 * Synthetic "pooled features at every depth" with the structure real ViT features have:
 * a low-rank, strongly anisotropic nuisance (power-law spectrum, shared offset), a class signal
 * that grows with depth, small isotropic noise, and a residual stream (depth k+1 = depth k plus
 * an update), so consecutive depths are similar in the same coordinates.
 */
import { type Matrix, centerColumns, matmul, matrix } from '../src/matrix.js';
import { seededRandom } from '@stratum/stats';

export interface SyntheticOptions {
  readonly samples: number;
  readonly dims: number;
  readonly classes: number;
  readonly depths: number;
  readonly latent?: number;
  readonly seed?: number;
}

export function syntheticDepths(options: SyntheticOptions): { features: Matrix[]; labels: Int32Array } {
  const { samples: n, dims: d, classes: K, depths } = options;
  const r = options.latent ?? 48;
  const random = seededRandom(options.seed ?? 1);
  const labels = Int32Array.from({ length: n }, (_, i) => i % K);
  const gaussian = (count: number, scale = 1): Float64Array => Float64Array.from({ length: count }, () => random.normal() * scale);

  // Latent factors per sample (power-law variances) and their loadings on the d features.
  const loadings = gaussian(r * d, 1 / Math.sqrt(r));
  const latent = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let l = 0; l < r; l++) latent[i * r + l] = random.normal() * (l + 1) ** -0.75;
  const classMeans = gaussian(K * d, 1 / Math.sqrt(d));
  const offset = gaussian(d, 0.5);

  const features: Matrix[] = [];
  const h = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let s = offset[j] as number;
      for (let l = 0; l < r; l++) s += (latent[i * r + l] as number) * (loadings[l * d + j] as number);
      h[i * d + j] = s + random.normal() * 0.05;
    }
  }
  for (let k = 0; k < depths; k++) {
    // Residual update: a random nonlinear feature map of the current state (new directions, so
    // consecutive depths are similar but not linear images of each other), more class signal,
    // a little noise.
    const centred = centerColumns(matrix(n, d, h));
    let variance = 0;
    for (const v of centred.data) variance += v * v;
    const W = matrix(d, d, gaussian(d * d, 1 / Math.sqrt(d) / Math.sqrt(variance / (n * d))));
    const update = matmul(centred, W).data;
    const signal = 0.1 / depths;
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      for (let j = 0; j < d; j++) {
        const nonlinear = Math.tanh(update[i * d + j] as number);
        h[i * d + j] = (h[i * d + j] as number) + 0.2 * nonlinear + signal * (classMeans[c * d + j] as number) * Math.sqrt(d) * 0.3 + random.normal() * 0.02;
      }
    }
    features.push(matrix(n, d, Float64Array.from(h)));
  }
  return { features, labels };
}
