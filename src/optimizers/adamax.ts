// Adamax (Keras 3 formulas) via the adamax_update kernel: Adam's first moment with an infinity-norm
// second moment u = max(beta2·u, |g|); the bias correction alpha = lr/(1 − beta1^t) is computed
// here in float64, once per step.

import type { Kernels } from '../backend/abi.js';
import { Optimizer, optimizerSchema, type BaseOptimizerOptions } from './optimizer.js';

export interface AdamaxOptions extends BaseOptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Keras defaults and ranges (epsilon 0 would divide 0 by 0 where u is 0). */
export const ADAMAX_SCHEMA = optimizerSchema(0.001, {
  beta1: { kind: 'number', default: 0.9, min: 0, max: 1, maxOpen: true },
  beta2: { kind: 'number', default: 0.999, min: 0, max: 1, maxOpen: true },
  epsilon: { kind: 'number', default: 1e-7, min: 0, minOpen: true },
});

/** @example new Adamax({ learningRate: 2e-3 }) */
export class Adamax extends Optimizer {
  readonly name: string = 'adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super('Adamax', options, ADAMAX_SCHEMA);
    this.beta1 = this.option('beta1');
    this.beta2 = this.option('beta2');
    this.epsilon = this.option('epsilon');
  }

  /** TF.js's names for Adamax's first moment and weighted infinity norm. */
  slotNames(): string[] {
    return ['m', 'v'];
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[], t: number): void {
    const alpha = this.rate / (1 - Math.pow(this.beta1, t));
    k.adamax_update(w, slots[0], slots[1], g, n, alpha, this.beta1, this.beta2, this.epsilon);
  }
}
