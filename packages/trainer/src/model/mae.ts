/**
 * The video masked autoencoder, read top-down in the order data flows:
 *   layers (layers.ts) → config (presets.ts) → patchify/unpatchify (patchify.ts)
 *   → masking (masking.ts) → inputs (inputs.ts) → encode (per block) → decode → loss.
 *
 * Shapes: B clips, N tokens per clip (Nv visible, Nm masked; see masking.ts for the mask
 * convention), D encoder width, Dd decoder width, P values per tubelet. Activations are 2-D
 * [B·n, width] with rows grouped by clip.
 *
 * Blocks: the L encoder layers form K blocks of L/K consecutive layers; block 1 (index 0)
 * holds the tubelet embedding, block K the final LayerNorm. A blockwise model has one decoder
 * per block; E2E has one decoder, on block K. Parameters of block k and decoder k form
 * optimiser group k (everything is group 0 in E2E).
 */
import * as tf from '@tensorflow/tfjs';
import { addRow, layerNorm, linear, meanSquaredError } from '../kernels/ops.js';
import type { ModelConfig } from '@stratum/run-config';
import { Prng } from '@stratum/stats';
import { addLayer, attentionProbabilities, layerForward, type LayerParams, type SeqShape } from './layers.js';
import { disposeInputs, maskedInputsJs, maskedInputsTensor, type MaskedInputs, type PositionTables } from './inputs.js';
import type { TubeMask } from './masking.js';
import { addLinear, addNorm, truncNormal, uniform, type LinearParams, type NormParams, ParamStore } from './params.js';
import { gridOf, patchify, type Grid } from './patchify.js';
import { sinusoidTable } from './position.js';
import { maskedInputsGpu } from '../webgpu/inputs.js';
import { webgpuKernelsActive } from '../webgpu/kernels.js';

export interface MaeOptions {
  /** K: encoder blocks (must divide depth). */
  blocks: number;
  /** Decoders: 1 for E2E (on block K), K for blockwise. */
  decoders: 'one' | 'per-block';
  seed: number;
}

export interface DecoderParams {
  toDecoder: LinearParams; // [D, Dd], no bias (VideoMAE's encoder_to_decoder)
  maskToken: tf.Variable; // [Dd]
  layers: LayerParams[];
  norm: NormParams;
  head: LinearParams; // [Dd, P]
}

export class VideoMae {
  readonly grid: Grid;
  readonly params = new ParamStore();
  readonly layersPerBlock: number;
  private readonly patchEmbed: LinearParams;
  private readonly layers: LayerParams[] = [];
  private readonly norm: NormParams;
  readonly decoders: DecoderParams[] = [];
  /** Fixed sinusoid tables: encoder [N, D], decoder [N, Dd]. */
  readonly tables: PositionTables;
  /** (x − mean) · 1/std per patch column (layout t,h,w,C). */
  private readonly inputNorm: { shift: tf.Tensor1D; scale: tf.Tensor1D };

  constructor(
    readonly config: ModelConfig,
    readonly options: MaeOptions,
  ) {
    const m = config;
    const K = options.blocks;
    if (m.depth % K !== 0) throw new Error(`K=${K} must divide depth ${m.depth}`);
    this.layersPerBlock = m.depth / K;
    this.grid = gridOf(m);
    const rng = Prng.fromSeed(options.seed, 'init');
    const blockwise = options.decoders === 'per-block';
    const groupOfLayer = (l: number) => (blockwise ? Math.floor(l / this.layersPerBlock) : 0);
    const P = this.grid.patchDim;

    const bound = 1 / Math.sqrt(P); // PyTorch's default Conv3d init, kept by VideoMAE
    this.patchEmbed = {
      w: this.params.add('encoder.patch_embed.weight', [P, m.embedDim], uniform(rng, P * m.embedDim, bound), 0, true),
      b: this.params.add('encoder.patch_embed.bias', [m.embedDim], uniform(rng, m.embedDim, bound), 0, false),
    };
    for (let l = 0; l < m.depth; l++) this.layers.push(addLayer(this.params, rng, `encoder.layers.${l}`, m.embedDim, m.mlpRatio, groupOfLayer(l)));
    this.norm = addNorm(this.params, 'encoder.norm', m.embedDim, blockwise ? K - 1 : 0);

    for (let d = 0; d < (blockwise ? K : 1); d++) {
      const name = `decoders.${d}`;
      const layers: LayerParams[] = [];
      const toDecoder = addLinear(this.params, rng, `${name}.encoder_to_decoder`, m.embedDim, m.decoderDim, d, false);
      const maskToken = this.params.add(`${name}.mask_token`, [m.decoderDim], truncNormal(rng, m.decoderDim, 0.02), d, false);
      for (let l = 0; l < m.decoderDepth; l++) layers.push(addLayer(this.params, rng, `${name}.layers.${l}`, m.decoderDim, m.mlpRatio, d));
      const norm = addNorm(this.params, `${name}.norm`, m.decoderDim, d);
      const head = addLinear(this.params, rng, `${name}.head`, m.decoderDim, P, d, true, m.decoderHeadInit === 'zero' ? 'zero' : 'xavier');
      this.decoders.push({ toDecoder, maskToken, layers, norm, head });
    }
    this.inputNorm = {
      shift: tf.tensor1d(Float32Array.from({ length: P }, (_, i) => m.inputMean[i % m.channels]!)),
      scale: tf.tensor1d(Float32Array.from({ length: P }, (_, i) => 1 / m.inputStd[i % m.channels]!)),
    };
    this.tables = { encoder: sinusoidTable(this.grid.tokens, m.embedDim), decoder: sinusoidTable(this.grid.tokens, m.decoderDim) };
  }

  get blocks(): number {
    return this.options.blocks;
  }

  /** Optimiser groups: K for blockwise, 1 for E2E. */
  get groups(): number {
    return this.options.decoders === 'per-block' ? this.options.blocks : 1;
  }

  // ---- inputs -------------------------------------------------------------------------

  /**
   * clips [B, T, H, W, C] (a batch's Float32Array) + mask → the encoder's visible tubelets,
   * positions and targets (inputs.ts). Built by the trainer's own kernels on webgpu
   * (webgpu/inputs.ts), in JS on wasm/cpu (and webgpu with its kernels off), with tensor ops
   * elsewhere.
   */
  maskedInputs(clips: Float32Array, mask: TubeMask): MaskedInputs {
    const backend = tf.getBackend();
    if (webgpuKernelsActive()) return maskedInputsGpu(clips, mask, this.config, this.grid, this.tables);
    if (backend === 'wasm' || backend === 'cpu' || backend === 'webgpu') return maskedInputsJs(clips, mask, this.config, this.grid, this.tables);
    const m = this.config;
    const x = tf.tensor5d(clips, [mask.batch, m.frames, m.height, m.width, m.channels]);
    try {
      return maskedInputsTensor(x, mask, m, this.grid, this.tables);
    } finally {
      x.dispose();
    }
  }

  /** Disposes the tensors of `maskedInputs`. */
  static disposeInputs(inputs: MaskedInputs): void {
    disposeInputs(inputs);
  }

  /** Every token visible (for feature extraction): patches [B·N, P] and positions [B·N, D]. */
  fullInputs(clips: tf.Tensor5D): { seq: SeqShape; patches: tf.Tensor2D; pos: tf.Tensor2D } {
    return tf.tidy(() => {
      const B = clips.shape[0];
      const N = this.grid.tokens;
      const patches = tf.reshape(patchify(clips, this.config), [B * N, this.grid.patchDim]) as tf.Tensor2D;
      const table = tf.tensor3d(this.tables.encoder, [1, N, this.config.embedDim]);
      const pos = tf.reshape(tf.tile(table, [B, 1, 1]), [B * N, this.config.embedDim]) as tf.Tensor2D;
      return { seq: { batch: B, tokens: N }, patches, pos };
    });
  }

  // ---- encode -------------------------------------------------------------------------

  /** Tubelet embedding: patches [B·n, P] → [B·n, D], plus the fixed positions. */
  embedTokens(patches: tf.Tensor2D, pos: tf.Tensor2D): tf.Tensor2D {
    const x = tf.mul(tf.sub(patches, this.inputNorm.shift), this.inputNorm.scale) as tf.Tensor2D;
    return tf.add(linear(x, this.patchEmbed.w as tf.Tensor2D, this.patchEmbed.b as tf.Tensor1D), pos);
  }

  /**
   * Block k (0-based) on x [B·n, D] → h_k [B·n, D]; block K−1 ends with the final LayerNorm.
   * `onLayer` sees each layer's output (before the final norm) with its 0-based layer index.
   */
  encodeBlock(k: number, x: tf.Tensor2D, seq: SeqShape, onLayer?: (layer: number, x: tf.Tensor2D) => void): tf.Tensor2D {
    const m = this.config;
    for (let l = k * this.layersPerBlock; l < (k + 1) * this.layersPerBlock; l++) {
      x = layerForward(this.layers[l]!, x, seq, m.heads, m.layerNormEps);
      onLayer?.(l, x);
    }
    if (k === this.blocks - 1) x = layerNorm(x, this.norm.g as tf.Tensor1D, this.norm.b as tf.Tensor1D, m.layerNormEps);
    return x;
  }

  /** Attention probabilities of encoder layer l (0-based) on its input x [B·n, D] → [B·heads, n, n]. */
  layerAttention(l: number, x: tf.Tensor2D, seq: SeqShape): tf.Tensor3D {
    return attentionProbabilities(this.layers[l]!, x, seq, this.config.heads, this.config.layerNormEps);
  }

  // ---- decode -------------------------------------------------------------------------

  /**
   * Decoder d on h [B·Nv, D] → predictions for the masked tubelets [B·Nm, P]. The decoder
   * sequence per clip is [visible tokens; mask tokens], each with its decoder position (order
   * does not matter to attention; VideoMAE concatenates the same way).
   */
  decode(d: number, h: tf.Tensor2D, inputs: MaskedInputs): tf.Tensor2D {
    const m = this.config;
    const dec = this.decoders[d]!;
    const B = inputs.seq.batch, Nv = inputs.mask.visiblePerClip, Nm = inputs.mask.maskedPerClip, Dd = m.decoderDim;
    const vis = tf.add(linear(h, dec.toDecoder.w as tf.Tensor2D, null), inputs.decoderPosVisible); // [B·Nv, Dd]
    const masked = addRow(inputs.decoderPosMasked, dec.maskToken as tf.Tensor1D); // [B·Nm, Dd]
    let x = tf.reshape(tf.concat([tf.reshape(vis, [B, Nv, Dd]), tf.reshape(masked, [B, Nm, Dd])], 1), [B * (Nv + Nm), Dd]) as tf.Tensor2D;
    const seq = { batch: B, tokens: Nv + Nm };
    for (const layer of dec.layers) x = layerForward(layer, x, seq, m.decoderHeads, m.layerNormEps);
    const tail = tf.reshape(tf.slice(tf.reshape(x, [B, Nv + Nm, Dd]), [0, Nv, 0], [B, Nm, Dd]), [B * Nm, Dd]) as tf.Tensor2D;
    const normed = layerNorm(tail, dec.norm.g as tf.Tensor1D, dec.norm.b as tf.Tensor1D, m.layerNormEps);
    return linear(normed, dec.head.w as tf.Tensor2D, dec.head.b as tf.Tensor1D); // [B·Nm, P]
  }

  // ---- loss ---------------------------------------------------------------------------

  /** MSE over masked tubelets against their normalised pixels: pred, targets [B·Nm, P] → []. */
  static loss(pred: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return meanSquaredError(pred, targets);
  }

  /** Decoder d's loss on block output h (the forward of one (block, decoder) pair's objective). */
  blockLoss(d: number, h: tf.Tensor2D, inputs: MaskedInputs): tf.Scalar {
    return VideoMae.loss(this.decode(d, h, inputs), inputs.targets);
  }

  /** Whole forward with E2E semantics (tests and evaluation): inputs → the final decoder's loss. */
  forward(inputs: MaskedInputs): tf.Scalar {
    let x = this.embedTokens(inputs.visiblePatches, inputs.encoderPos);
    for (let k = 0; k < this.blocks; k++) x = this.encodeBlock(k, x, inputs.seq);
    return this.blockLoss(this.decoders.length - 1, x, inputs);
  }

  dispose(): void {
    this.params.dispose();
    tf.dispose([this.inputNorm.shift, this.inputNorm.scale]);
  }
}
