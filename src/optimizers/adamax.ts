// Adamax (Keras 3 formulas) via the adamax_update kernel: Adam's first moment with an infinity-norm
// second moment u = max(beta2·u, |g|); the bias correction alpha = lr/(1 − beta1^t) is computed
// here in float64, once per step.

import type { Kernels } from '../backend/abi.js';
import { Optimizer } from './optimizer.js';
import { ADAM_SCHEMA, type AdamOptions } from './adam.js';

/** Adam's options, defaults and ranges, as in Keras 3 (epsilon 0 would divide 0 by 0 where u is 0). */
export type AdamaxOptions = AdamOptions;
export const ADAMAX_SCHEMA = ADAM_SCHEMA;

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
