// The optimizer base: options every optimizer shares (learningRate, clipNorm, globalClipNorm,
// clipValue), the step counter, and the clipping that runs before each update. An update is one
// kernel call over the model's whole parameter block (params, grads and each slot share one layout).
// The subclasses (sgd.ts, adagrad.ts, rmsprop.ts, adam.ts) hold only their defaults and their kernel.

import type { Kernels } from '../backend/abi.js';
import { checkNumber, checkOptionKeys } from '../errors.js';

/** Options every optimizer accepts (Keras names in camelCase). */
export interface BaseOptimizerOptions {
  learningRate?: number;
  /** Clip each weight tensor's gradient to this L2 norm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Clip the whole model's gradient to this L2 norm (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Clip each gradient element to [−clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
}

/** Where the model's parameters live; all pointers are byte offsets into the backend's memory. */
export interface ParamBlock {
  readonly params: number;
  readonly grads: number;
  /** Number of floats in the block. */
  readonly n: number;
  /** Per weight tensor: its gradient pointer and element count (for clipNorm). */
  readonly tensorGrads: readonly number[];
  readonly tensorCounts: readonly number[];
}

const BASE_KEYS = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue'] as const;

export abstract class Optimizer {
  abstract readonly name: string;
  readonly learningRate: number;
  readonly clipNorm: number | undefined;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
  /** Updates applied so far (Keras `optimizer.iterations`); survives across fit calls. */
  iterations = 0;
  /** @internal the model whose arena holds this optimizer's slots. */
  boundTo: object | null = null;

  protected constructor(owner: string, options: BaseOptimizerOptions, defaultLearningRate: number, extraKeys: readonly string[]) {
    checkOptionKeys(owner, options, [...BASE_KEYS, ...extraKeys]);
    this.learningRate = checkNumber(owner, 'learningRate', options.learningRate ?? defaultLearningRate, { min: 0, minOpen: true });
    this.clipNorm = options.clipNorm === undefined ? undefined : checkNumber(owner, 'clipNorm', options.clipNorm, { min: 0, minOpen: true });
    this.globalClipNorm = options.globalClipNorm === undefined ? undefined : checkNumber(owner, 'globalClipNorm', options.globalClipNorm, { min: 0, minOpen: true });
    this.clipValue = options.clipValue === undefined ? undefined : checkNumber(owner, 'clipValue', options.clipValue, { min: 0, minOpen: true });
    if (this.clipNorm !== undefined && this.globalClipNorm !== undefined) {
      throw new Error(`${owner}: set only one of \`clipNorm\` (per tensor) and \`globalClipNorm\` (whole model), received both (${this.clipNorm}, ${this.globalClipNorm})`);
    }
  }

  /** Number of state blocks (each the size of the parameter block). */
  abstract slotCount(): number;
  /** Initial value of slot `i` (Adagrad starts its accumulator at initialAccumulatorValue). */
  slotInitialValue(_i: number): number {
    return 0;
  }
  /** One update over the whole block; `t` is the 1-based step number. */
  protected abstract update(k: Kernels, w: number, g: number, n: number, slots: readonly number[], t: number): void;

  /** Clips the gradients (Keras order: clipNorm or globalClipNorm, then clipValue) and applies one update. */
  step(k: Kernels, block: ParamBlock, slots: readonly number[]): void {
    if (this.clipNorm !== undefined) {
      for (let i = 0; i < block.tensorGrads.length; i++) clipToNorm(k, block.tensorGrads[i], block.tensorCounts[i], this.clipNorm);
    } else if (this.globalClipNorm !== undefined) {
      clipToNorm(k, block.grads, block.n, this.globalClipNorm);
    }
    if (this.clipValue !== undefined) k.clip_by_value(block.grads, block.n, this.clipValue);
    this.iterations++;
    this.update(k, block.params, block.grads, block.n, slots, this.iterations);
  }

  /** The options this optimizer was built with (defaults filled in). */
  abstract getConfig(): Record<string, number | boolean | undefined>;
  protected baseConfig(): Record<string, number | undefined> {
    return { learningRate: this.learningRate, clipNorm: this.clipNorm, globalClipNorm: this.globalClipNorm, clipValue: this.clipValue };
  }
}

// g ← g · c / max(‖g‖, c): unchanged when the norm is within c (Keras clip_by_norm).
function clipToNorm(k: Kernels, g: number, n: number, c: number): void {
  const norm = Math.sqrt(k.sum_squares(g, n));
  if (norm > c) k.scale(g, n, c / norm);
}
