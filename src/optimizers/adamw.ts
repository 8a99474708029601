// AdamW (Keras 3): Adam with decoupled weight decay, w ← w − w·weightDecay·lr before each Adam
// update (the base class applies it; any optimizer takes `weightDecay`). Keras 3's default decay 0.004.

import { Adam, ADAM_SCHEMA, type AdamOptions } from './adam.js';
import type { OptionSchema } from './optimizer.js';

export const ADAMW_SCHEMA: OptionSchema = { ...ADAM_SCHEMA, weightDecay: { kind: 'number', default: 0.004, min: 0 } };

/** @example new AdamW({ learningRate: 1e-3, weightDecay: 0.01 }) */
export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  constructor(options: AdamOptions = {}) {
    super(options, 'AdamW', ADAMW_SCHEMA);
  }
}
