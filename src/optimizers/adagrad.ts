// Adagrad (Keras 3 formulas) via the adagrad_update kernel: acc += g²; w −= lr·g / sqrt(acc + eps).

import type { Kernels } from '../backend/abi.js';
import { Optimizer, optimizerSchema, type BaseOptimizerOptions } from './optimizer.js';

export interface AdagradOptions extends BaseOptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Keras defaults and ranges, written once. */
export const ADAGRAD_SCHEMA = optimizerSchema(0.001, {
  initialAccumulatorValue: { kind: 'number', default: 0.1, min: 0 },
  epsilon: { kind: 'number', default: 1e-7, min: 0, minOpen: true },
});

/** @example new Adagrad({ learningRate: 0.01 }) */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super('Adagrad', options, ADAGRAD_SCHEMA);
    this.initialAccumulatorValue = this.option('initialAccumulatorValue');
    this.epsilon = this.option('epsilon');
  }

  slotNames(): string[] {
    return ['accumulator'];
  }
  override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected update(k: Kernels, w: number, g: number, n: number, slots: readonly number[]): void {
    k.adagrad_update(w, slots[0], g, n, this.rate, this.epsilon);
  }

  /** TF.js's Adagrad fixes epsilon at 1e-7: only then does it train the same way. */
  override tfjsOptimizerConfig() {
    if (this.epsilon !== 1e-7) return undefined;
    return { class_name: 'Adagrad', config: { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue } };
  }
}
