/**
 * @stratum/stats: seed statistics (means, Student-t intervals, Welch's interval for a
 * difference) and the seeded random generator — one implementation for the API, the dashboard,
 * the demo, the datasets and the analysis numerics. No dependencies; safe in the browser.
 */
export { mean, sampleVariance, summarize, welchInterval, welchFromMoments, type Moments, type Summary, type WelchResult } from './seeds.js';
export { lnGamma, regularizedBeta, studentTCdf, studentTQuantile } from './student-t.js';
export { hashInts, mix32, permutation, Prng, Rng, rngFor, seededRandom, shuffleInPlace, type PrngState, type Random } from './random.js';
