// RMSprop (Keras 3 formulas, not centered) via the rmsprop_update kernel. The momentum slot exists
// only when momentum > 0.

import type { Kernels } from '../backend/abi.js';
import { Optimizer, optimizerSchema, type BaseOptimizerOptions } from './optimizer.js';

export interface RMSpropOptions extends BaseOptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
}

/** Keras defaults and ranges, written once. */
export const RMSPROP_SCHEMA = optimizerSchema(0.001, {
  rho: { kind: 'number', default: 0.9, min: 0, max: 1, maxOpen: true },
  momentum: { kind: 'number', default: 0, min: 0, max: 1 },
  epsilon: { kind: 'number', default: 1e-7, min: 0, minOpen: true },
});

/** @example new RMSprop({ learningRate: 1e-3, rho: 0.9 }) */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(options: RMSpropOptions = {}) {
    super('RMSprop', options, RMSPROP_SCHEMA);
    this.rho = this.option('rho');
    this.momentum = this.option('momentum');
    this.epsilon = this.option('epsilon');
  }

  slotNames(): string[] {
    return this.momentum > 0 ? ['rms', 'momentum'] : ['rms'];
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    // With momentum 0 the kernel never touches `mom`; pass the first slot so the pointer is valid.
    k.rmsprop_update(w, slots[0], this.momentum > 0 ? slots[1] : slots[0], g, n, this.rate, this.rho, this.momentum, this.epsilon);
  }
  // No TF.js config: TF.js's RMSProp keeps its state differently (it would train differently).
}
