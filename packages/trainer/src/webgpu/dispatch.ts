/**
 * Records the trainer's own compute shaders into tfjs-webgpu's command stream.
 *
 * tfjs's WebGPUProgram model gives a kernel one output and read-only inputs; the fused kernels
 * here need several outputs (LayerNorm's y, mean, rstd) and in-place updates (AdamW over many
 * parameters at once), so they bind buffers themselves. They use the backend's own command
 * encoder and compute pass, so they run in order with tfjs's kernels, and mark every tensor
 * they bind as owned by the queue, so tfjs defers freeing (and reusing) those buffers until the
 * commands are submitted — the same bookkeeping tfjs does for its programs.
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs';
import { noteDispatch } from './device.js';

/** The parts of tfjs-webgpu's WebGPUBackend (4.22) this module relies on. */
interface Backend {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null; dtype: string; shape: number[] } };
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  activeTimers: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  getQueryTime(): Promise<number>;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): tf.TensorInfo;
  makeUniforms(uniforms: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[]): GPUBufferBinding;
  disposeData(dataId: object): boolean;
}

export function gpuBackend(): Backend {
  return tf.backend() as unknown as Backend;
}

/** A storage binding: `write` ones are declared read_write in the shader. */
export interface Binding {
  tensor: tf.TensorInfo;
  write?: boolean;
}

const pipelines = new Map<string, GPUComputePipeline>();

function pipelineFor(be: Backend, key: string, source: string): GPUComputePipeline {
  let p = pipelines.get(key);
  if (!p) {
    const module = be.device.createShaderModule({ code: source, label: key });
    p = be.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
    pipelines.set(key, p);
  }
  return p;
}

/** A fresh float32 tensor on the GPU (contents undefined until a kernel writes it). */
export function allocate(shape: number[]): tf.TensorInfo {
  const be = gpuBackend();
  const t = be.makeTensorInfo(shape, 'float32');
  be.uploadToGPU(t.dataId);
  return t;
}

/** Workgroup counts for `groups` workgroups, folded into 2-D past the per-dimension limit. */
export function fold(groups: number): [number, number] {
  const max = 65535;
  if (groups <= max) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y];
}

/**
 * Records one dispatch of `source` (its entry point `main`; storage bindings 0…n−1 in the order
 * given, then the uniform struct at binding n). `key` identifies the shader source.
 */
export function dispatch(key: string, source: string, bindings: Binding[], uniforms: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[], workgroups: [number, number, number?]): void {
  const be = gpuBackend();
  const pipeline = pipelineFor(be, key, source);
  const entries: GPUBindGroupEntry[] = bindings.map((b, i) => {
    be.uploadToGPU(b.tensor.dataId);
    be.commandQueueOwnedIds.add(b.tensor.dataId);
    const buffer = be.tensorMap.get(b.tensor.dataId).resource;
    if (!buffer) throw new Error(`${key}: binding ${i} has no GPU buffer`);
    return { binding: i, resource: { buffer } };
  });
  entries.push({ binding: bindings.length, resource: be.makeUniforms(uniforms) });
  const bindGroup = be.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  be.ensureCommandEncoderReady();
  // Under tf.profile, time each dispatch in a pass of its own, as tfjs does for its programs.
  const timed = be.activeTimers != null && be.supportTimestampQuery;
  if (timed) {
    be.endComputePassEncoder();
    be.querySet ??= be.device.createQuerySet({ type: 'timestamp', count: be.querySetCount });
    be.computePassEncoder = be.commandEncoder!.beginComputePass({ timestampWrites: { querySet: be.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  } else if (!be.computePassEncoder) {
    be.computePassEncoder = be.commandEncoder!.beginComputePass({});
  }
  be.computePassEncoder.setPipeline(pipeline);
  be.computePassEncoder.setBindGroup(0, bindGroup);
  be.computePassEncoder.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2] ?? 1);
  be.dispatchCountInPass++;
  noteDispatch();
  if (timed) {
    be.endComputePassEncoder();
    be.activeTimers!.push({ name: key, query: be.getQueryTime() });
  } else if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
}

/** The WGSL index of a workgroup folded by `fold` (one workgroup per item). */
export const FOLDED_GROUP = 'let group = wid.y * nwg.x + wid.x;';
