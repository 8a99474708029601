// Stochastic gradient descent, with optional (Nesterov) momentum — Keras 3 SGD formulas, via the
// sgd_update / momentum_update kernels.

import type { Kernels } from '../backend/abi.js';
import { checkNumber } from '../errors.js';
import { Optimizer, type BaseOptimizerOptions } from './optimizer.js';

export interface SGDOptions extends BaseOptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

/** Keras defaults, written once. */
export const SGD_DEFAULTS = { learningRate: 0.01, momentum: 0, nesterov: false } as const;

/**
 * @example new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super('SGD', options, SGD_DEFAULTS.learningRate, ['momentum', 'nesterov']);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? SGD_DEFAULTS.momentum, { min: 0, max: 1 });
    const nesterov = options.nesterov ?? SGD_DEFAULTS.nesterov;
    if (typeof nesterov !== 'boolean') throw new Error(`SGD: expected \`nesterov\` to be a boolean, received ${String(nesterov)}`);
    this.nesterov = nesterov;
  }

  slotCount(): number {
    return this.momentum > 0 ? 1 : 0;
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    if (this.momentum > 0) k.momentum_update(w, slots[0], g, n, this.learningRate, this.momentum, this.nesterov ? 1 : 0);
    else k.sgd_update(w, g, n, this.learningRate);
  }

  getConfig() {
    return { ...this.baseConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
