// The layer contract (Keras's build()/add_weight() shape, llm.c's explicit buffers). A layer is its
// configuration. `build(inputShape)` declares, without allocating anything, what the layer needs:
// its output shape, its weights (shape, fans for the initializer, regularizer, trainable or state)
// and the buffers it keeps from forward for backward. The memory plan (src/model/plan.ts) lays
// those out and hands each call a `LayerBuffers` of pointers; forward and backward receive them
// and the input pointer explicitly, and keep nothing between the two calls.
// Shapes are per sample: the batch dimension is never part of them.

import type { Kernels } from '../backend/abi.js';
import type { ResolvedActivation } from '../activations.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { checkInteger, describe, SinewError } from '../errors.js';
import { LIMITS } from './limits.js';

/** A per-sample shape: [features], [steps, features], [height, width, channels], … */
export type Shape = readonly number[];

/** One weight tensor a layer declares (Keras add_weight). */
export interface WeightDecl {
  /** 'kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance' (Keras's names). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly initializer: Initializer;
  /** (fanIn, fanOut) for variance-scaling initializers (Keras compute_fans). */
  readonly fans: readonly [number, number];
  readonly regularizer?: Regularizer;
  /** false: state that no optimizer, clipping or regulariser touches (moving statistics). */
  readonly trainable: boolean;
}

/** A buffer a layer keeps from forward for backward: `perSample` floats per batch row plus `fixed`. */
export interface BufferDecl {
  readonly name: string;
  readonly perSample: number;
  readonly fixed: number;
}

/** What build() declares. */
export interface LayerBuild {
  readonly outputShape: Shape;
  readonly weights: readonly WeightDecl[];
  readonly buffers: readonly BufferDecl[];
  /** The output is the input, as memory (Flatten, Reshape): the plan gives the layer no output buffer. */
  readonly outputIsInput?: boolean;
  /** d(loss)/d(input) equals d(loss)/d(output) (Flatten, Reshape, GaussianNoise): the two share one buffer. */
  readonly gradientPassesThrough?: boolean;
}

/**
 * The pointers of one call, assigned by the plan. Weights and their gradients are shared by every
 * call; `y`, `dy` and `saved` live in the plan's per-call region.
 */
export interface LayerBuffers {
  /** Weight pointers in declaration order (in the trainable block or the state block). */
  readonly w: readonly number[];
  /** Gradient pointers in declaration order; 0 for a weight that is not trained (state, or a frozen layer). */
  readonly dw: readonly number[];
  /** BufferDecl order. */
  readonly saved: readonly number[];
  /** Output [batch, outputSize]; 0 when the output is the input. */
  readonly y: number;
  /** d(loss)/d(output), written by the next layer or the loss; with gradientPassesThrough the input's gradient (0: none). */
  readonly dy: number;
}

/** Options every layer accepts. */
export interface BaseLayerOptions {
  /** Width of a one-dimensional input; only for the first layer. Same as `inputShape: [inputDim]`. */
  inputDim?: number;
  /** Per-sample input shape for the first layer: `[features]`, `[28, 28]`, `[h, w, c]`. */
  inputShape?: readonly number[];
  name?: string;
  /** false: the layer's weights are frozen (Keras `trainable`). Default true. */
  trainable?: boolean;
}

export const BASE_KEYS = ['inputDim', 'inputShape', 'name', 'trainable'] as const;

/** The model a layer belongs to, told when `trainable` changes (it re-plans, or refuses). */
export interface LayerOwner {
  trainableChanged(layer: Layer): void;
  layerWeights(layer: Layer): { data: Float32Array; shape: number[] }[];
  setLayerWeights(layer: Layer, weights: readonly unknown[]): void;
}

const nameCounters = new Map<string, number>();

/** Keras-style automatic names: dense, dense_1, dense_2… */
function autoName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class Layer {
  /** The Keras class name ('Dense', 'BatchNormalization', …), as summary() and model files show it. */
  abstract readonly className: string;
  readonly name: string;
  /** The declared per-sample input shape (from inputDim/inputShape), if any. */
  readonly declaredInputShape: Shape | undefined;
  private isTrainable: boolean;

  // Set when the model builds the layer (input shape known).
  /** @internal */ inputShape: Shape = [];
  /** @internal */ outputShape: Shape = [];
  /** @internal the model this layer belongs to (a layer lives in one model). */ owner: (LayerOwner & object) | null = null;
  /** @internal weights written (initialised) at least once. */ initialized = false;

  protected constructor(owner: string, base: string, options: BaseLayerOptions) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new SinewError(`${owner}: expected \`name\` to be a non-empty string, received ${describe(options.name)}`);
    }
    if (options.name !== undefined && options.name.length > LIMITS.nameLength) {
      throw new SinewError(`${owner}: expected \`name\` to have at most ${LIMITS.nameLength} characters (what a model file may hold), received ${options.name.length}`);
    }
    const trainable = options.trainable ?? true;
    if (typeof trainable !== 'boolean') throw new SinewError(`${owner}: expected \`trainable\` to be a boolean, received ${describe(trainable)}`);
    this.isTrainable = trainable;
    this.name = options.name ?? autoName(base);
    this.declaredInputShape = readInputShape(owner, options);
  }

  /** Whether fit changes this layer's weights (Keras `layer.trainable`); set it to freeze or unfreeze. */
  get trainable(): boolean {
    return this.isTrainable;
  }
  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new SinewError(`${this.className} '${this.name}': expected \`trainable\` to be a boolean, received ${describe(value)}`);
    if (value === this.isTrainable) return;
    // The model re-plans (trainable weights move between blocks); if it cannot, nothing changes.
    this.isTrainable = value;
    try {
      this.owner?.trainableChanged(this);
    } catch (e) {
      this.isTrainable = !value;
      throw e;
    }
  }

  /** Copies of this layer's weights, in its declaration order (Keras `layer.get_weights()`). */
  getWeights(): { data: Float32Array; shape: number[] }[] {
    return this.requireOwner('getWeights').layerWeights(this);
  }
  /** Sets this layer's weights (each { data, shape } or nested arrays), all checked before any is written. */
  setWeights(weights: readonly unknown[]): void {
    this.requireOwner('setWeights').setLayerWeights(this, weights);
  }
  private requireOwner(what: string): LayerOwner {
    if (this.owner === null) throw new SinewError(`${this.className} '${this.name}' ${what}: the layer has no weights until it is added to a model with a known input shape`);
    return this.owner;
  }

  /**
   * Declares the output shape, weights and buffers for this input shape; throws an Error naming the
   * layer when the shape does not suit it. `isOutput`: the layer is the model's last.
   */
  abstract build(inputShape: Shape, isOutput: boolean): LayerBuild;

  /** The output shape for an input shape (build's, without the rest). */
  computeOutputShape(inputShape: Shape): Shape {
    return this.build(inputShape, false).outputShape;
  }
  /** The output shape when it does not depend on the input (Dense units, Reshape); else undefined. */
  fixedOutputShape(): Shape | undefined {
    return undefined;
  }
  /** The activation at the layer's output, if it applies one (used to fuse it with the loss). */
  outputActivation(): ResolvedActivation | undefined {
    return undefined;
  }

  /** Runs the layer on x [M, …inputShape]; returns the pointer of its output. */
  abstract forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number;
  /**
   * Backward from d(loss)/d(output) in `b.dy` (`fromLogits`: it is already d(loss)/d(pre-activation));
   * `x` is the input of the forward. Writes the trained weights' gradients (b.dw, 0: skip) and, if
   * dx ≠ 0, d(loss)/d(input) into dx.
   */
  abstract backward(k: Kernels, b: LayerBuffers, x: number, M: number, dx: number, fromLogits: boolean): void;

  /** For a layer with an output activation: runs it up to the pre-activation, returns that pointer (the loss fuses the rest). */
  forwardLogits(_k: Kernels, _b: LayerBuffers, _x: number, _M: number): number {
    throw new SinewError(`${this.className} has no output activation to fuse`);
  }
  /** The pre-activation pointer of the last training forward (a layer with an output activation). */
  logits(_b: LayerBuffers, _x: number): number {
    throw new SinewError(`${this.className} has no output activation to fuse`);
  }
  /** Where the fused loss writes d(loss)/d(pre-activation); `dx` is the input's gradient buffer (0: none). */
  logitsGradient(_b: LayerBuffers, _dx: number): number {
    return 0;
  }

  /**
   * Per-epoch randomness: fit calls this at the start of every epoch with its training stream's
   * seed, the layer's position and the stream's epoch number, so that masks depend on nothing else.
   */
  beginEpoch(_streamSeed: number, _layerIndex: number, _epoch: number): void {}
  /** Whether updateState does anything (the engine calls it only for those layers). */
  hasStateUpdate(): boolean {
    return false;
  }
  /** After a training step passed its checks: update non-trainable state (BatchNormalization's moving statistics). */
  updateState(_k: Kernels, _b: LayerBuffers, _M: number): void {}

  /** Keras-like description of the configuration (camelCase), for summary() and debugging. */
  abstract getConfig(): Record<string, unknown>;
  /** The class name a model file records (usually className). */
  kerasClassName(): string {
    return this.className;
  }
  /** The Keras config (snake_case) without name, trainable and input shape, which the writer adds. */
  abstract kerasConfig(): Record<string, unknown>;
}

/** Elements in a shape. */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** "[28, 28]" for messages; "(None, 28, 28)" is summary's form. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The rows and features of a last-axis operation on a batch of M samples of this shape. */
export function lastAxis(shape: Shape, M: number): { rows: number; features: number } {
  const features = shape[shape.length - 1];
  return { rows: M * (shapeSize(shape) / features), features };
}

/** A positive integer up to LIMITS.width (units, one dimension of a shape). */
export function checkWidth(owner: string, arg: string, value: unknown): number {
  const n = checkInteger(owner, arg, value);
  if (n > LIMITS.width) throw new SinewError(`${owner}: expected \`${arg}\` to be at most ${LIMITS.width}, received ${n}`);
  return n;
}

function readInputShape(owner: string, options: BaseLayerOptions): Shape | undefined {
  const { inputDim, inputShape } = options;
  let fromShape: number[] | undefined;
  if (inputShape !== undefined) {
    if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.length > LIMITS.rank) {
      throw new SinewError(`${owner}: expected \`inputShape\` to be a per-sample shape such as [features] or [28, 28], received ${describe(inputShape)}`);
    }
    fromShape = inputShape.map((d, i) => checkWidth(owner, `inputShape[${i}]`, d));
    if (shapeSize(fromShape) > LIMITS.sampleSize) throw new SinewError(`${owner}: expected \`inputShape\` to hold at most ${LIMITS.sampleSize} values per sample, received ${formatShape(fromShape)}`);
  }
  if (inputDim !== undefined) checkWidth(owner, 'inputDim', inputDim);
  if (inputDim !== undefined && fromShape !== undefined && (fromShape.length !== 1 || inputDim !== fromShape[0])) {
    throw new SinewError(`${owner}: \`inputDim\` (${inputDim}) and \`inputShape\` (${formatShape(fromShape)}) disagree`);
  }
  return fromShape ?? (inputDim === undefined ? undefined : [inputDim]);
}
