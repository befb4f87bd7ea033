import { describe, expect, it } from 'vitest';
import { createDataset } from '../src/create.js';
import type { DatasetSpec } from '../src/types.js';
import { DatasetSpecError } from '../src/validate.js';

const bad = (spec: unknown) => () => createDataset(spec as DatasetSpec);

describe('createDataset', () => {
  it('builds each synthetic dataset from a JSON spec', () => {
    const mm = createDataset(JSON.parse('{"name":"moving-mnist","count":4,"frames":8,"size":24,"digitSize":12,"seed":9}'));
    expect(mm).not.toBeInstanceOf(Promise);
    const m = mm as Exclude<typeof mm, Promise<unknown>>;
    expect([m.name, m.size, m.shape]).toEqual(['moving-mnist', 4, { frames: 8, height: 24, width: 24, channels: 1 }]);
    const g = createDataset({ name: 'gratings', maxClips: 30, size: 16, frames: 8 }) as Exclude<ReturnType<typeof createDataset>, Promise<unknown>>;
    expect([g.name, g.size, g.shape.channels, g.valueRange]).toEqual(['gratings', 30, 3, [-1, 1]]);
    const d = createDataset({ name: 'double-gratings', maxClips: 36 }) as Exclude<ReturnType<typeof createDataset>, Promise<unknown>>;
    expect([d.name, d.size]).toEqual(['double-gratings', 36]);
  });

  it('rejects unknown names, unknown keys and bad values, naming the field', () => {
    expect(bad({ name: 'cifar' })).toThrow(/field "name" must be one of "moving-mnist", "textures", "gratings", "double-gratings", "folder"/);
    expect(bad({ name: 'moving-mnist', frame: 16 })).toThrow(/dataset "moving-mnist": field "frame" is not a known option/);
    expect(bad({ name: 'moving-mnist', frames: 2.5 })).toThrow(/field "frames" must be an integer in \[1, 1024\], got 2.5/);
    expect(bad({ name: 'gratings', size: '32' })).toThrow(/field "size" must be an integer/);
    expect(bad({ name: 'gratings', spatialFreqs: [1, 1] })).toThrow(/field "spatialFreqs" must not repeat values/);
    expect(bad({ name: 'double-gratings', contrasts: [2] })).toThrow(/field "contrasts\[0\]" must be a finite number > 0 and <= 1, got 2/);
    expect(bad({ name: 'double-gratings', contrast: 1 })).toThrow(/field "contrast"/);
    expect(bad({ name: 'gratings', grid: 'tiny' })).toThrow(/field "grid" must be one of "paper", "small"/);
    expect(bad({ name: 'gratings', phase: 'sometimes' })).toThrow(/field "phase"/);
    expect(bad(null)).toThrow(DatasetSpecError);
  });

  it('rejects a folder spec without a root before touching the disk', async () => {
    await expect(createDataset({ name: 'folder' } as DatasetSpec)).rejects.toThrow(/field "root" must be a non-empty string/);
  });
});
