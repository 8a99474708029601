// RMSprop (Keras 3 formulas, not centered) via the rmsprop_update kernel. The momentum slot exists
// only when momentum > 0.

import type { Kernels } from '../backend/abi.js';
import { checkNumber } from '../errors.js';
import { Optimizer, type BaseOptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends BaseOptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
}

/** Keras defaults, written once. */
export const RMSPROP_DEFAULTS = { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 } as const;

/** @example new RMSprop({ learningRate: 1e-3, rho: 0.9 }) */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(options: RMSpropOptions = {}) {
    super('RMSprop', options, RMSPROP_DEFAULTS.learningRate, ['rho', 'momentum', 'epsilon']);
    this.rho = checkNumber('RMSprop', 'rho', options.rho ?? RMSPROP_DEFAULTS.rho, { min: 0, max: 1, maxOpen: true });
    this.momentum = checkNumber('RMSprop', 'momentum', options.momentum ?? RMSPROP_DEFAULTS.momentum, { min: 0, max: 1 });
    this.epsilon = checkNumber('RMSprop', 'epsilon', options.epsilon ?? RMSPROP_DEFAULTS.epsilon, { min: 0 });
  }

  slotCount(): number {
    return this.momentum > 0 ? 2 : 1;
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    // With momentum 0 the kernel never touches `mom`; pass the first slot so the pointer is valid.
    k.rmsprop_update(w, slots[0], this.momentum > 0 ? slots[1] : slots[0], g, n, this.learningRate, this.rho, this.momentum, this.epsilon);
  }

  getConfig() {
    return { ...this.baseConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
}
