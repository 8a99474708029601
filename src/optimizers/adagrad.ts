// Adagrad (Keras 3 formulas) via the adagrad_update kernel: acc += g²; w −= lr·g / sqrt(acc + eps).

import type { Kernels } from '../backend/abi.js';
import { checkNumber } from '../errors.js';
import { Optimizer, type BaseOptimizerOptions } from './optimizer.js';

export interface AdagradOptions extends BaseOptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Keras defaults, written once. */
export const ADAGRAD_DEFAULTS = { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 } as const;

/** @example new Adagrad({ learningRate: 0.01 }) */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super('Adagrad', options, ADAGRAD_DEFAULTS.learningRate, ['initialAccumulatorValue', 'epsilon']);
    this.initialAccumulatorValue = checkNumber('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? ADAGRAD_DEFAULTS.initialAccumulatorValue, { min: 0 });
    this.epsilon = checkNumber('Adagrad', 'epsilon', options.epsilon ?? ADAGRAD_DEFAULTS.epsilon, { min: 0 });
  }

  slotCount(): number {
    return 1;
  }
  override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    k.adagrad_update(w, slots[0], g, n, this.learningRate, this.epsilon);
  }

  getConfig() {
    return { ...this.baseConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
