// Adam (Keras 3 formulas) via the adam_update kernel; the bias correction
// alpha = lr·sqrt(1 − beta2^t) / (1 − beta1^t) is computed here in float64, once per step.

import type { Kernels } from '../backend/abi.js';
import { Optimizer, optimizerSchema, type BaseOptimizerOptions, type OptionSchema } from './optimizer.js';

export interface AdamOptions extends BaseOptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Keras defaults and ranges, written once (epsilon 0 would divide 0 by 0 where v is 0). */
export const ADAM_SCHEMA = optimizerSchema(0.001, {
  beta1: { kind: 'number', default: 0.9, min: 0, max: 1, maxOpen: true },
  beta2: { kind: 'number', default: 0.999, min: 0, max: 1, maxOpen: true },
  epsilon: { kind: 'number', default: 1e-7, min: 0, minOpen: true },
});

/** @example new Adam({ learningRate: 1e-3 }) */
export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  /** `owner`, `schema`: for subclasses (AdamW) with their own defaults. */
  constructor(options: AdamOptions = {}, owner = 'Adam', schema: OptionSchema = ADAM_SCHEMA) {
    super(owner, options, schema);
    this.beta1 = this.option('beta1');
    this.beta2 = this.option('beta2');
    this.epsilon = this.option('epsilon');
  }

  slotNames(): string[] {
    return ['m', 'v'];
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[], t: number): void {
    const alpha = (this.rate * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    k.adam_update(w, slots[0], slots[1], g, n, alpha, this.beta1, this.beta2, this.epsilon);
  }

  /** TF.js's Adam keeps the same m and v and the same update. */
  override tfjsOptimizerConfig() {
    return { class_name: 'Adam', config: { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon } };
  }
}
