// Dropout (inverted, as Keras): in training y = x·mask with mask ∈ {0, 1/(1 − rate)} drawn by the
// dropout_forward kernel from the epoch's seed and an element offset that advances with each call;
// in inference the layer is the identity and hands its input pointer on (no copy).

import type { Kernels } from '../backend/abi.js';
import { checkNumber, checkOptionKeys, MAX_SEED } from '../errors.js';
import type { ConfigReader } from './config_reader.js';
import { shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape } from './layer.js';
import { RANDOM_KEYS, RandomLayer, type RandomLayerOptions } from './random_layer.js';

export type DropoutOptions = RandomLayerOptions;

/**
 * @example model.add(new Dropout(0.2));
 */
export class Dropout extends RandomLayer {
  readonly className = 'Dropout';
  readonly rate: number;

  constructor(rate: number, options: DropoutOptions = {}) {
    checkOptionKeys('Dropout', options, RANDOM_KEYS);
    super('Dropout', 'dropout', options);
    this.rate = checkNumber('Dropout', 'rate', rate, { min: 0, max: 1, maxOpen: true });
  }

  build(inputShape: Shape): LayerBuild {
    return this.buildElementwise(inputShape, true);
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number {
    if (!training) return x;
    const n = M * shapeSize(this.inputShape);
    k.dropout_forward(b.y, b.saved[0], x, n, this.rate, this.maskSeed, this.maskOffset);
    this.maskOffset += n;
    return b.y;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, seed: this.seed };
  }

  kerasConfig(): Record<string, unknown> {
    return { rate: this.rate, noise_shape: null, seed: this.seed ?? null };
  }

  static fromKeras(c: ConfigReader, base: BaseLayerOptions): Dropout {
    c.get('noise_shape').unsupported('noise_shape');
    const rate = c.get('rate').number(0, 1);
    if (rate === 1) c.get('rate').fail('a number in [0, 1)');
    const seed = c.get('seed').optional((f) => f.int(0, MAX_SEED), undefined);
    return new Dropout(rate, { ...base, ...(seed === undefined ? {} : { seed }) });
  }
}
