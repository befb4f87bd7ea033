/**
 * `createDataset`: the factory a run config uses, from a JSON spec `{ name, …options }`.
 * Unknown names and unknown or invalid option fields are errors that name the field.
 */
import { DoubleGratings } from './double-gratings.js';
import { FolderVideos } from './folder/folder-dataset.js';
import { Gratings } from './gratings.js';
import { MovingMnist } from './moving-mnist.js';
import { Textures } from './textures.js';
import type { AsyncClipSource } from './batching.js';
import type { ClipDataset, DatasetSpec } from './types.js';
import { DatasetSpecError } from './validate.js';

export const DATASET_NAMES = ['moving-mnist', 'textures', 'gratings', 'double-gratings', 'folder'] as const;

/**
 * Builds a dataset from its spec. Synthetic datasets come back synchronously; 'folder' returns
 * a Promise of its first `maxClips` clips materialised in memory (for streaming a large folder
 * during training use `folderDataset` with `clips()` or `batchStreamAsync`).
 */
export function createDataset(spec: DatasetSpec): ClipDataset | Promise<ClipDataset> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new DatasetSpecError('?', 'name', `a dataset spec must be an object, got ${JSON.stringify(spec)}`);
  }
  const { name, ...opts } = spec;
  switch (name) {
    case 'moving-mnist':
      return new MovingMnist(opts);
    case 'textures':
      return new Textures(opts);
    case 'gratings':
      return new Gratings(opts);
    case 'double-gratings':
      return new DoubleGratings(opts);
    case 'folder':
      return FolderVideos.open(opts as Omit<Extract<DatasetSpec, { name: 'folder' }>, 'name'>).then((f) => f.materialise());
    default:
      throw new DatasetSpecError(String(name), 'name', `must be one of ${DATASET_NAMES.map((n) => `"${n}"`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

/**
 * The source a training run streams from. Synthetic datasets as `createDataset` builds them; a
 * folder as an asynchronous source over its whole split (nothing materialised), in 'train' mode
 * (random start frame, crop and flip per (seed, epoch, video)) unless the spec names a mode.
 */
export async function createTrainingSource(spec: DatasetSpec): Promise<ClipDataset | FolderVideos> {
  if (spec?.name === 'folder') {
    const { name: _name, ...opts } = spec;
    return FolderVideos.open({ mode: 'train', ...opts });
  }
  return createDataset(spec);
}

/** True for sources whose clips load asynchronously (stream them with `batchStreamAsync`). */
export function isAsyncSource(src: ClipDataset | AsyncClipSource): src is AsyncClipSource {
  return typeof (src as Partial<AsyncClipSource>).load === 'function';
}
