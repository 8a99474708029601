// Stochastic gradient descent, with optional (Nesterov) momentum — Keras 3 SGD formulas, via the
// sgd_update / momentum_update kernels.

import type { Kernels } from '../backend/abi.js';
import { Optimizer, optimizerSchema, type BaseOptimizerOptions } from './optimizer.js';

export interface SGDOptions extends BaseOptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

/** Keras defaults and ranges, written once. */
export const SGD_SCHEMA = optimizerSchema(0.01, {
  momentum: { kind: 'number', default: 0, min: 0, max: 1 },
  nesterov: { kind: 'boolean', default: false },
});

/**
 * @example new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super('SGD', options, SGD_SCHEMA);
    this.momentum = this.option('momentum');
    this.nesterov = this.option('nesterov');
  }

  slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    if (this.momentum > 0) k.momentum_update(w, slots[0], g, n, this.rate, this.momentum, this.nesterov ? 1 : 0);
    else k.sgd_update(w, g, n, this.rate);
  }

  /** Plain SGD only: TF.js's momentum optimizer keeps a different accumulator (m = −lr·a). */
  override tfjsOptimizerConfig() {
    return this.momentum === 0 ? { class_name: 'SGD', config: { learningRate: this.learningRate } } : undefined;
  }
}
