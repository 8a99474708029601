// Adam (Keras 3 formulas) via the adam_update kernel; the bias correction
// alpha = lr·sqrt(1 − beta2^t) / (1 − beta1^t) is computed here in float64, once per step.

import type { Kernels } from '../backend/abi.js';
import { checkNumber } from '../errors.js';
import { Optimizer, type BaseOptimizerOptions } from './optimizer.js';

export interface AdamOptions extends BaseOptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Keras defaults, written once. */
export const ADAM_DEFAULTS = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** @example new Adam({ learningRate: 1e-3 }) */
export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamOptions = {}) {
    super('Adam', options, ADAM_DEFAULTS.learningRate, ['beta1', 'beta2', 'epsilon']);
    this.beta1 = checkNumber('Adam', 'beta1', options.beta1 ?? ADAM_DEFAULTS.beta1, { min: 0, max: 1, maxOpen: true });
    this.beta2 = checkNumber('Adam', 'beta2', options.beta2 ?? ADAM_DEFAULTS.beta2, { min: 0, max: 1, maxOpen: true });
    this.epsilon = checkNumber('Adam', 'epsilon', options.epsilon ?? ADAM_DEFAULTS.epsilon, { min: 0 });
  }

  slotCount(): number {
    return 2;
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[], t: number): void {
    const alpha = (this.learningRate * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    k.adam_update(w, slots[0], slots[1], g, n, alpha, this.beta1, this.beta2, this.epsilon);
  }

  getConfig() {
    return { ...this.baseConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
