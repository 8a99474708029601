// The optimizer base: an option schema (every option's default and range, Keras's defaults) that
// drives the constructor's checks, getConfig() and the saved compile record; the options every
// optimizer shares (learningRate, clipNorm, globalClipNorm, clipValue), the step counter, and the
// clipping that runs before each update. An update is one kernel call over the model's whole
// trainable block (params, grads and each slot share one layout). The subclasses (sgd.ts,
// adagrad.ts, rmsprop.ts, adam.ts) hold only their schema, their slot names and their kernel call.

import type { Kernels } from '../backend/abi.js';
import { checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';
import { LearningRateSchedule } from './schedules.js';

/** Options every optimizer accepts (Keras names in camelCase). */
export interface BaseOptimizerOptions {
  /** A number, or a schedule (ExponentialDecay, CosineDecay, …) evaluated at every step. */
  learningRate?: number | LearningRateSchedule;
  /** Clip each weight tensor's gradient to this L2 norm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Clip the whole model's gradient to this L2 norm (Keras `global_clipnorm`). */
  globalClipNorm?: number;
  /** Clip each gradient element to [−clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
  /** Decoupled weight decay (Keras 3 `weight_decay`): w ← w − w·weightDecay·lr before each update. */
  weightDecay?: number;
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

/** One option of an optimizer: its default (undefined: optional) and the range it must lie in. */
export type OptionSpec =
  | { kind: 'number'; default: number | undefined; min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean; why?: string }
  | { kind: 'boolean'; default: boolean };
/**
 * An optimizer's options, Keras's defaults: the one table its constructor checks against, its
 * getConfig() lists and the saved compile record reads back.
 */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/** Every number is checked to be finite in float32, where the kernels compute. */
const FLOAT32_MAX = 3.4028234663852886e38;

const BASE_SCHEMA: OptionSchema = {
  learningRate: { kind: 'number', default: 0.001, min: 0, minOpen: true },
  clipNorm: { kind: 'number', default: undefined, min: 0, minOpen: true },
  globalClipNorm: { kind: 'number', default: undefined, min: 0, minOpen: true },
  clipValue: { kind: 'number', default: undefined, min: 0, minOpen: true },
  weightDecay: { kind: 'number', default: undefined, min: 0 },
};

/** The base options with this optimizer's learning-rate default, plus its own options. */
export function optimizerSchema(learningRate: number, own: OptionSchema): OptionSchema {
  return { ...BASE_SCHEMA, learningRate: { ...(BASE_SCHEMA.learningRate as { kind: 'number' }), default: learningRate }, ...own };
}

export abstract class Optimizer {
  abstract readonly name: string;
  readonly clipNorm: number | undefined;
  readonly globalClipNorm: number | undefined;
  readonly clipValue: number | undefined;
  /** Decoupled weight decay, if set (Keras 3 `weight_decay`). */
  get weightDecay(): number | undefined {
    return this.values.weightDecay as number | undefined;
  }
  /** Updates applied so far (Keras `optimizer.iterations`); survives across fit calls. */
  iterations = 0;
  /** @internal the model whose arena holds this optimizer's slots. */
  boundTo: object | null = null;
  /** Every option with its default filled in, in schema order. */
  private readonly values: Record<string, number | boolean | undefined>;
  private readonly owner: string;

  /** The learning-rate schedule, when `learningRate` was given as one. */
  readonly schedule: LearningRateSchedule | undefined;
  /** The learning rate of the step being applied (the schedule's value at that step). */
  protected rate = 0;

  protected constructor(
    owner: string,
    options: object,
    readonly schema: OptionSchema,
  ) {
    checkOptionKeys(owner, options, Object.keys(schema));
    const raw = (options ?? {}) as Record<string, unknown>;
    this.schedule = raw.learningRate instanceof LearningRateSchedule ? raw.learningRate : undefined;
    const given = this.schedule ? { ...raw, learningRate: this.schedule.at(0) } : raw;
    const values: Record<string, number | boolean | undefined> = {};
    for (const [key, spec] of Object.entries(schema)) {
      const v = given[key] ?? spec.default;
      if (spec.kind === 'boolean') {
        if (typeof v !== 'boolean') throw new SinewError(`${owner}: expected \`${key}\` to be a boolean, received ${describe(v)}`);
        values[key] = v;
      } else if (v !== undefined) {
        const n = checkNumber(owner, key, v, { min: spec.min, max: spec.max, minOpen: spec.minOpen, maxOpen: spec.maxOpen });
        // The kernels compute in float32: a value beyond its range would be Infinity there.
        if (Math.abs(n) > FLOAT32_MAX) throw new SinewError(`${owner}: expected \`${key}\` to be finite in float32 (at most 3.4e38), received ${n}`);
        values[key] = n;
      }
    }
    this.values = values;
    this.owner = owner;
    this.clipNorm = values.clipNorm as number | undefined;
    this.globalClipNorm = values.globalClipNorm as number | undefined;
    this.clipValue = values.clipValue as number | undefined;
    if (this.clipNorm !== undefined && this.globalClipNorm !== undefined) {
      throw new SinewError(`${owner}: set only one of \`clipNorm\` (per tensor) and \`globalClipNorm\` (whole model), received both (${this.clipNorm}, ${this.globalClipNorm})`);
    }
  }

  /** The step size. Settable between steps, as Keras users set `optimizer.learning_rate` (checked as at construction). */
  get learningRate(): number {
    return this.schedule ? this.schedule.at(this.iterations) : (this.values.learningRate as number);
  }
  set learningRate(value: number) {
    if (this.schedule) throw new SinewError(`${this.owner}: the learning rate follows a ${this.schedule.className} schedule; it cannot be set by hand (build the optimizer with a number to set it)`);
    const spec = this.schema.learningRate as { min?: number; minOpen?: boolean };
    const n = checkNumber(this.owner, 'learningRate', value, { min: spec.min, minOpen: spec.minOpen });
    if (Math.abs(n) > FLOAT32_MAX) throw new SinewError(`${this.owner}: expected \`learningRate\` to be finite in float32 (at most 3.4e38), received ${n}`);
    this.values.learningRate = n;
  }

  /** An option's value (defaults filled in). */
  protected option<T extends number | boolean>(key: string): T {
    return this.values[key] as T;
  }

  /** The options this optimizer was built with (defaults filled in; unset optional ones absent as undefined). */
  getConfig(): Record<string, number | boolean | undefined | { className: string; config: Record<string, unknown> }> {
    const config: Record<string, number | boolean | undefined | { className: string; config: Record<string, unknown> }> = { ...this.values };
    if (this.schedule) config.learningRate = { className: this.schedule.className, config: this.schedule.getConfig() };
    return config;
  }

  /**
   * Names of the slots, in slot order (the suffixes TF.js gives its optimizer weights); each slot is
   * a block the size of the trainable parameters.
   */
  abstract slotNames(): string[];
  /** Number of state blocks. */
  slotCount(): number {
    return this.slotNames().length;
  }
  /**
   * TF.js's optimizer config for this optimizer when TF.js would keep the same state and train the
   * same way (its trainingConfig); undefined where it would not (the default).
   */
  tfjsOptimizerConfig(): { class_name: string; config: Record<string, unknown> } | undefined {
    return undefined;
  }

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
    this.rate = this.learningRate; // Keras: the rate at `iterations` before this update
    // Keras 3 _apply_weight_decay: after clipping, before the update, with the same rate.
    const wd = this.values.weightDecay as number | undefined;
    if (wd) k.scale(block.params, block.n, 1 - wd * this.rate);
    this.iterations++;
    this.update(k, block.params, block.grads, block.n, slots, this.iterations);
  }
}

// g ← g · c / max(‖g‖, c): unchanged when the norm is within c (Keras clip_by_norm).
function clipToNorm(k: Kernels, g: number, n: number, c: number): void {
  const norm = Math.sqrt(k.sum_squares(g, n));
  if (norm > c) k.scale(g, n, c / norm);
}
