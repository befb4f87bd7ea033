/**
 * A ClipDataset over clips already in memory (e.g. an evaluation set materialised from videos).
 */
import type { ClipDataset, ClipSample, ClipShape, TargetSpec } from './types.js';
import { checkIndex } from './validate.js';

export class InMemoryDataset implements ClipDataset {
  readonly size: number;

  constructor(
    readonly name: string,
    readonly shape: ClipShape,
    readonly targets: TargetSpec[],
    readonly valueRange: [number, number],
    private readonly samples: readonly ClipSample[],
  ) {
    const clipLen = shape.frames * shape.height * shape.width * shape.channels;
    samples.forEach((s, i) => {
      if (s.clip.length !== clipLen) throw new Error(`${name}: clip ${i} has ${s.clip.length} values, expected ${clipLen}`);
    });
    this.size = samples.length;
  }

  /** A copy of clip `index`, so callers cannot alter the stored set. */
  get(index: number): ClipSample {
    checkIndex(this.name, index, this.size);
    const s = this.samples[index]!;
    return { clip: s.clip.slice(), labels: { ...s.labels } };
  }
}
