// The layer base class: what every layer declares (its output width, its weight tensors with their
// initializers and regularizers, how many activation buffers it needs) and the forward/backward
// calls the model's training step makes on the pointers the memory plan (src/model/plan.ts) hands it.
// Layers hold no memory of their own; pointers are byte offsets into the model's arena.

import type { Kernels } from '../backend/abi.js';
import type { ResolvedActivation } from '../activations.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { checkInteger, describe } from '../errors.js';

/** One weight tensor a layer owns: Keras shape ([in, units] kernel, [units] bias). */
export interface ParamSpec {
  readonly name: 'kernel' | 'bias';
  readonly shape: readonly number[];
  readonly initializer: Initializer;
  readonly regularizer: Regularizer | undefined;
}

/** Options every layer accepts. */
export interface BaseLayerOptions {
  /** Width of the input; only for the first layer. Same as `inputShape: [inputDim]`. */
  inputDim?: number;
  /** TF.js/Keras spelling: `[features]` (one-dimensional inputs only). */
  inputShape?: readonly number[];
  name?: string;
}

const nameCounters = new Map<string, number>();

/** Keras-style automatic names: dense, dense_1, dense_2… */
function autoName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class Layer {
  /** 'Dense', 'Dropout', 'Activation' (as summary() shows it). */
  abstract readonly className: string;
  readonly name: string;
  /** The declared input width (from inputDim/inputShape), if any. */
  readonly declaredInputDim: number | undefined;

  // Set when the model builds the layer (input width known).
  /** @internal */ inDim = 0;
  /** @internal */ outDim = 0;
  /** @internal the model this layer belongs to (a layer lives in one model). */ owner: object | null = null;
  /** @internal weights written (initialised) at least once. */ initialized = false;
  // Assigned by the memory plan: parameter and gradient pointers (one per ParamSpec), buffer pointers.
  /** @internal */ params: number[] = [];
  /** @internal */ grads: number[] = [];
  /** @internal */ bufs: number[] = [];

  protected constructor(owner: string, base: string, options: BaseLayerOptions) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new Error(`${owner}: expected \`name\` to be a non-empty string, received ${describe(options.name)}`);
    }
    this.name = options.name ?? autoName(base);
    this.declaredInputDim = readInputDim(owner, options);
  }

  /** Output width for a given input width (throws when the input width is wrong for this layer). */
  abstract outputDim(inDim: number): number;
  /** Output width when it does not depend on the input (Dense units); undefined for pass-through layers. */
  fixedOutputDim(): number | undefined {
    return undefined;
  }
  /** Weight tensors for a given input width (empty for layers without weights). */
  paramSpecs(_inDim: number): ParamSpec[] {
    return [];
  }
  /** How many [batch, outDim] buffers the layer needs in the plan; `isOutput`: it is the model's last layer. */
  abstract bufferCount(isOutput: boolean): number;
  /** The activation at the layer's output, if it applies one (used to fuse it with the loss). */
  outputActivation(): ResolvedActivation | undefined {
    return undefined;
  }

  /** Runs the layer on x[M, inDim]; returns the pointer of its output [M, outDim]. */
  abstract forward(k: Kernels, x: number, M: number, training: boolean): number;
  /**
   * For a layer with an output activation: runs it up to the pre-activation, returns that pointer.
   * The model then computes activation and loss in one fused kernel.
   */
  forwardLogits(_k: Kernels, _x: number, _M: number): number {
    throw new Error(`${this.className} has no output activation to fuse`);
  }
  /** The pre-activation pointer of the last forward (for a layer with an output activation). */
  logits(): number {
    throw new Error(`${this.className} has no output activation to fuse`);
  }
  /** Where the fused loss writes d(loss)/d(pre-activation); `dx` is the previous layer's gradient buffer (0: none). */
  logitsGradient(_dx: number): number {
    return 0;
  }
  /** The activation's output pointer after forward (the model's prediction when this is the last layer). */
  abstract output(): number;
  /** The buffer holding d(loss)/d(output), which the next layer (or the loss) writes. */
  abstract outputGradient(): number;
  /**
   * Backward from d(loss)/d(output) (in outputGradient()); `fromLogits`: the gradient there is
   * already d(loss)/d(pre-activation). Writes the weight gradients and, if dx ≠ 0, d(loss)/d(input) into dx.
   */
  abstract backward(k: Kernels, M: number, dx: number, fromLogits: boolean): void;

  /** Keras-like description of the configuration, for summary() and debugging. */
  abstract getConfig(): Record<string, unknown>;
}

function readInputDim(owner: string, options: BaseLayerOptions): number | undefined {
  const { inputDim, inputShape } = options;
  let fromShape: number | undefined;
  if (inputShape !== undefined) {
    if (!Array.isArray(inputShape) || inputShape.length !== 1) {
      throw new Error(`${owner}: expected \`inputShape\` to be [features] (one-dimensional inputs), received ${describe(inputShape)}`);
    }
    fromShape = checkInteger(owner, 'inputShape[0]', inputShape[0]);
  }
  if (inputDim !== undefined) checkInteger(owner, 'inputDim', inputDim);
  if (inputDim !== undefined && fromShape !== undefined && inputDim !== fromShape) {
    throw new Error(`${owner}: \`inputDim\` (${inputDim}) and \`inputShape\` ([${fromShape}]) disagree`);
  }
  return inputDim ?? fromShape;
}
