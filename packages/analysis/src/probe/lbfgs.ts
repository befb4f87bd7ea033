/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4/7.5) with a strong
 * Wolfe line search (Alg. 3.5/3.6, cubic interpolation in the zoom) and an optional
 * preconditioner used as the initial inverse Hessian H₀ = γ·P, γ = sᵀy / yᵀPy.
 *
 * Stops when ‖∇f‖_∞ ≤ gradientTolerance (converged), or after maxIterations, or when the line
 * search cannot make progress any more (reported, never silent).
 */
import { AnalysisError } from '../errors.js';

/** f(x), writing ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Number of curvature pairs kept. Default 10. */
  readonly memory?: number;
  /** Iteration bound. Default 1000. */
  readonly maxIterations?: number;
  /** Converged when max_i |∂f/∂x_i| ≤ this. Default 1e-6. */
  readonly gradientTolerance?: number;
  /** out ← P·v for a symmetric positive definite P ≈ ∇²f⁻¹ (a preconditioner). Default P = I. */
  readonly preconditioner?: Preconditioner;
  /**
   * Called after every iteration; a returned preconditioner replaces the current one (the stored
   * curvature pairs stay valid: they describe f, not H₀). Lets a caller re-fit P as curvature
   * changes along the way.
   */
  readonly updatePreconditioner?: (iteration: number, x: Float64Array) => Preconditioner | undefined;
}

/** out ← P·v, P symmetric positive definite. */
export type Preconditioner = (v: Float64Array, out: Float64Array) => void;

export type LbfgsStop = 'converged' | 'maxIterations' | 'lineSearchFailed';

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  /** ‖∇f(x)‖_∞ at the returned point. */
  readonly gradientNorm: number;
  readonly iterations: number;
  /** Objective (and gradient) evaluations, the cost measure. */
  readonly evaluations: number;
  readonly stop: LbfgsStop;
}

const C1 = 1e-4; // sufficient decrease
const C2 = 0.9; // curvature (0.9 is the usual quasi-Newton choice)
const MAX_LINE_SEARCH = 40;

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Minimises `f` from `x0` (not modified).
 *
 * With a preconditioner P, the products P·g and P·y_k are kept alongside the curvature pairs, so
 * the two-loop recursion's P·q = P·g − Σ a_k P·y_k and the scaling γ = sᵀy / yᵀPy cost a single
 * application of P (to the new gradient) per iteration.
 */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.gradientTolerance ?? 1e-6;
  let precondition = options.preconditioner;
  const n = x0.length;

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(fx)) throw new AnalysisError('minimizeLbfgs', `the objective is ${fx} at the starting point`);

  // Curvature pairs, oldest first: s_k, y_k, ρ_k = 1/(s_kᵀy_k), and P·y_k.
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const PY: Float64Array[] = [];
  const rho: number[] = [];
  const alphas = new Float64Array(m);
  const d = new Float64Array(n);
  const q = new Float64Array(n);
  const r = new Float64Array(n);
  let xTrial = new Float64Array(n);
  let gTrial = new Float64Array(n);
  // P·g for the current gradient (g itself without a preconditioner).
  let pg = new Float64Array(n);
  let pgTrial = new Float64Array(n);
  const applyP = (v: Float64Array, out: Float64Array): void => {
    if (precondition) precondition(v, out);
    else out.set(v);
  };
  applyP(g, pg);
  let gamma = 1;
  let iterations = 0;
  let stop: LbfgsStop = 'maxIterations';

  while (true) {
    if (infNorm(g) <= tolerance) {
      stop = 'converged';
      break;
    }
    if (iterations >= maxIterations) break;

    // Two-loop recursion d = −H·g with H₀ = γP: the first loop tracks q and P·q together.
    q.set(g);
    r.set(pg);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(S[k] as Float64Array, q);
      alphas[k] = a;
      const y = Y[k] as Float64Array;
      const py = PY[k] as Float64Array;
      for (let i = 0; i < n; i++) {
        q[i] = (q[i] as number) - a * (y[i] as number);
        r[i] = (r[i] as number) - a * (py[i] as number);
      }
    }
    for (let i = 0; i < n; i++) r[i] = (r[i] as number) * gamma;
    for (let k = 0; k < S.length; k++) {
      const b = (rho[k] as number) * dot(Y[k] as Float64Array, r);
      const s = S[k] as Float64Array;
      const a = alphas[k] as number;
      for (let i = 0; i < n; i++) r[i] = (r[i] as number) + (a - b) * (s[i] as number);
    }
    for (let i = 0; i < n; i++) d[i] = -(r[i] as number);

    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding broke positive definiteness): forget the pairs and
      // restart along the preconditioned gradient.
      S.length = 0;
      Y.length = 0;
      PY.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -(pg[i] as number);
      slope = dot(g, d);
    }
    // First step without curvature information: unit step for a preconditioned direction,
    // otherwise a step of length 1 in x.
    const initialStep = S.length === 0 && !precondition ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;

    const evaluate = (alpha: number): [number, number] => {
      for (let i = 0; i < n; i++) xTrial[i] = (x[i] as number) + alpha * (d[i] as number);
      const value = f(xTrial, gTrial);
      evaluations++;
      return [value, dot(gTrial, d)];
    };
    const step = wolfeLineSearch(evaluate, fx, slope, initialStep);
    if (step === null) {
      stop = 'lineSearchFailed';
      break;
    }
    iterations++;
    applyP(gTrial, pgTrial);

    // Curvature pair s = x⁺ − x, y = g⁺ − g (skipped when sᵀy is not safely positive).
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    const py = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xTrial[i] as number) - (x[i] as number);
      y[i] = (gTrial[i] as number) - (g[i] as number);
      py[i] = (pgTrial[i] as number) - (pg[i] as number);
    }
    const sy = dot(s, y);
    const yPy = dot(y, py);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y)) && yPy > 0) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        PY.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      PY.push(py);
      rho.push(1 / sy);
      gamma = sy / yPy;
    }
    [x, xTrial] = [xTrial, x];
    [g, gTrial] = [gTrial, g];
    [pg, pgTrial] = [pgTrial, pg];
    fx = step;

    const replacement = options.updatePreconditioner?.(iterations, x);
    if (replacement) {
      // The pairs describe f and stay valid; their P-products and γ are recomputed for the new P.
      precondition = replacement;
      applyP(g, pg);
      for (let k = 0; k < S.length; k++) applyP(Y[k] as Float64Array, PY[k] as Float64Array);
      const last = S.length - 1;
      if (last >= 0) gamma = 1 / ((rho[last] as number) * dot(Y[last] as Float64Array, PY[last] as Float64Array));
    }
  }
  return { x, value: fx, gradient: g, gradientNorm: infNorm(g), iterations, evaluations, stop };
}

/**
 * Strong Wolfe line search on φ(α) = f(x + α·d). `evaluate(α)` returns [φ(α), φ'(α)] and leaves
 * the trial point in the caller's buffers, so the accepted α must be the last one evaluated;
 * returns φ at the accepted step, or null when no acceptable step was found.
 */
function wolfeLineSearch(
  evaluate: (alpha: number) => [number, number],
  phi0: number,
  slope0: number,
  alpha1: number,
): number | null {
  let alphaPrev = 0;
  let phiPrev = phi0;
  let slopePrev = slope0;
  let alpha = alpha1;
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const [phi, slope] = evaluate(alpha);
    if (!Number.isFinite(phi) || phi > phi0 + C1 * alpha * slope0 || (i > 0 && phi >= phiPrev)) {
      return zoom(evaluate, phi0, slope0, alphaPrev, phiPrev, slopePrev, alpha, phi, slope);
    }
    if (Math.abs(slope) <= -C2 * slope0) return phi;
    if (slope >= 0) return zoom(evaluate, phi0, slope0, alpha, phi, slope, alphaPrev, phiPrev, slopePrev);
    alphaPrev = alpha;
    phiPrev = phi;
    slopePrev = slope;
    alpha *= 2;
  }
  return null;
}

/** Cubic interpolation minimiser of φ between a and b, safeguarded into the middle 80%. */
function interpolate(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const margin = 0.1 * (hi - lo);
  let t = 0.5 * (a + b);
  if (Number.isFinite(fb) && Number.isFinite(gb)) {
    const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
    const disc = d1 * d1 - ga * gb;
    if (disc >= 0) {
      const d2 = Math.sign(b - a) * Math.sqrt(disc);
      const c = b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
      if (Number.isFinite(c)) t = c;
    }
  }
  return Math.min(hi - margin, Math.max(lo + margin, t));
}

function zoom(
  evaluate: (alpha: number) => [number, number],
  phi0: number,
  slope0: number,
  lo: number,
  phiLo: number,
  slopeLo: number,
  hi: number,
  phiHi: number,
  slopeHi: number,
): number | null {
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const alpha = interpolate(lo, phiLo, slopeLo, hi, phiHi, slopeHi);
    const [phi, slope] = evaluate(alpha);
    if (!Number.isFinite(phi) || phi > phi0 + C1 * alpha * slope0 || phi >= phiLo) {
      hi = alpha;
      phiHi = phi;
      slopeHi = slope;
    } else {
      if (Math.abs(slope) <= -C2 * slope0) return phi;
      if (slope * (hi - lo) >= 0) {
        hi = lo;
        phiHi = phiLo;
        slopeHi = slopeLo;
      }
      lo = alpha;
      phiLo = phi;
      slopeLo = slope;
    }
    if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
  }
  // No strong Wolfe point in reach (rounding level): accept the best sufficient-decrease point.
  if (lo > 0 && phiLo < phi0) {
    const [phi] = evaluate(lo);
    return phi;
  }
  return null;
}
