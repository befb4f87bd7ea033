/**
 * Checkpoint format (version 1), little-endian throughout:
 *
 *   bytes 0–7    magic "STRATCK1"
 *   bytes 8–11   uint32: byte length H of the header (JSON, UTF-8, padded with spaces so the
 *                data section starts at a multiple of 8)
 *   bytes 12…    header: { format: "stratum-checkpoint", version: 1, config (the resolved
 *                RunConfig), step (global steps done), stage, rng: { mask: [4 × uint32] },
 *                optimizers: [{ group, t }], backend, tensors: [{ name, shape, offset,
 *                length }] } — offset in bytes from the start of the data section, length in
 *                float32 elements
 *   data         the tensors' float32 values, concatenated
 *
 * Tensor names: `param/<parameter>` for weights; `adamw/<group>/m/<parameter>` and
 * `adamw/<group>/v/<parameter>` for optimiser moments. The sha256 of the whole byte string
 * identifies a checkpoint (content addressing in the artifact store).
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { RunConfig } from '@stratum/run-config';
import { CheckpointError } from './errors.js';

export const CHECKPOINT_MAGIC = 'STRATCK1';
export const CHECKPOINT_VERSION = 1;
const LITTLE_ENDIAN = endianness() === 'LE';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Byte offset from the start of the data section. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface CheckpointHeader {
  format: 'stratum-checkpoint';
  version: number;
  config: RunConfig;
  /** Global optimisation steps completed. */
  step: number;
  /** 0-based stage the next step belongs to (sequential; 0 otherwise). */
  stage: number;
  rng: { mask: number[] };
  optimizers: { group: number; t: number }[];
  /** Backend that wrote it (informative: weights load on any backend). */
  backend: string;
  tensors: TensorEntry[];
}

export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodeCheckpoint(meta: Omit<CheckpointHeader, 'format' | 'version' | 'tensors'>, tensors: NamedValues[]): Uint8Array {
  let offset = 0;
  const entries: TensorEntry[] = tensors.map((t) => {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.values.length) throw new CheckpointError(`tensor ${t.name}: shape ${t.shape} does not match ${t.values.length} values`);
    const e = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += 4 * t.values.length;
    return e;
  });
  const header: CheckpointHeader = { format: 'stratum-checkpoint', version: CHECKPOINT_VERSION, ...meta, tensors: entries };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - ((12 + json.length) % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const dataStart = 12 + json.length;
  const out = new Uint8Array(dataStart + offset);
  out.set(Buffer.from(CHECKPOINT_MAGIC, 'latin1'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  tensors.forEach((t, i) => {
    const at = dataStart + entries[i]!.offset;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), at);
    else for (let j = 0; j < t.values.length; j++) view.setFloat32(at + 4 * j, t.values[j]!, true);
  });
  return out;
}

export interface DecodedCheckpoint {
  header: CheckpointHeader;
  tensors: Map<string, NamedValues>;
}

export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== CHECKPOINT_MAGIC) {
    throw new CheckpointError('not a stratum checkpoint (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new CheckpointError('truncated checkpoint header');
  let header: CheckpointHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as CheckpointHeader;
  } catch (e) {
    throw new CheckpointError(`unreadable checkpoint header: ${(e as Error).message}`);
  }
  if (header.format !== 'stratum-checkpoint' || header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`unsupported checkpoint format ${header.format} v${header.version}`);
  }
  const dataStart = 12 + headerLength;
  const tensors = new Map<string, NamedValues>();
  for (const e of header.tensors) {
    const at = dataStart + e.offset;
    if (at + 4 * e.length > bytes.length) throw new CheckpointError(`truncated checkpoint: tensor ${e.name}`);
    const values = new Float32Array(e.length);
    if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes.subarray(at, at + 4 * e.length));
    else for (let j = 0; j < e.length; j++) values[j] = view.getFloat32(at + 4 * j, true);
    tensors.set(e.name, { name: e.name, shape: e.shape, values });
  }
  return { header, tensors };
}
