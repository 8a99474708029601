// The Gaussian noise layers of Keras, training only, seeded like Dropout (same bits in WASM and the
// TypeScript twin): GaussianNoise adds N(0, stddev²) noise (its gradient passes straight through);
// GaussianDropout multiplies by N(1, rate/(1 − rate)) noise, kept as a mask for the backward.

import type { Kernels } from '../backend/abi.js';
import { checkNumber, checkOptionKeys, MAX_SEED } from '../errors.js';
import type { ConfigReader } from './config_reader.js';
import { shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape } from './layer.js';
import { RANDOM_KEYS, RandomLayer, type RandomLayerOptions } from './random_layer.js';

/** @example model.add(new GaussianNoise(0.1));   // x + N(0, 0.1²) in training */
export class GaussianNoise extends RandomLayer {
  readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(stddev: number, options: RandomLayerOptions = {}) {
    checkOptionKeys('GaussianNoise', options, RANDOM_KEYS);
    super('GaussianNoise', 'gaussian_noise', options);
    this.stddev = checkNumber('GaussianNoise', 'stddev', stddev, { min: 0, max: 1e6 });
  }

  build(inputShape: Shape): LayerBuild {
    return this.buildElementwise(inputShape, false, true);
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number {
    if (!training) return x;
    const n = M * shapeSize(this.inputShape);
    k.gaussian_noise_forward(b.y, x, n, this.stddev, this.maskSeed, this.maskOffset);
    this.maskOffset += n;
    return b.y;
  }

  /** d(x + noise)/dx = 1: the plan makes this layer's output gradient its input's (nothing to do). */
  override backward(): void {}

  getConfig(): Record<string, unknown> {
    return { name: this.name, stddev: this.stddev, seed: this.seed };
  }
  kerasConfig(): Record<string, unknown> {
    return { stddev: this.stddev, seed: this.seed ?? null };
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): GaussianNoise {
    const seed = c.get('seed').optional((f) => f.int(0, MAX_SEED), undefined);
    return new GaussianNoise(c.get('stddev').number(0, 1e6), { ...base, ...(seed === undefined ? {} : { seed }) });
  }
}

/** @example model.add(new GaussianDropout(0.2));   // x·N(1, 0.2/0.8) in training */
export class GaussianDropout extends RandomLayer {
  readonly className = 'GaussianDropout';
  readonly rate: number;

  constructor(rate: number, options: RandomLayerOptions = {}) {
    checkOptionKeys('GaussianDropout', options, RANDOM_KEYS);
    super('GaussianDropout', 'gaussian_dropout', options);
    this.rate = checkNumber('GaussianDropout', 'rate', rate, { min: 0, max: 1, maxOpen: true });
  }

  build(inputShape: Shape): LayerBuild {
    return this.buildElementwise(inputShape, true);
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number {
    if (!training) return x;
    const n = M * shapeSize(this.inputShape);
    // Keras: stddev = sqrt(rate / (1 − rate)).
    k.gaussian_dropout_forward(b.y, b.saved[0], x, n, Math.sqrt(this.rate / (1 - this.rate)), this.maskSeed, this.maskOffset);
    this.maskOffset += n;
    return b.y;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, seed: this.seed };
  }
  kerasConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed ?? null };
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): GaussianDropout {
    const rate = c.get('rate').number(0, 1);
    if (rate === 1) c.get('rate').fail('a number in [0, 1)');
    const seed = c.get('seed').optional((f) => f.int(0, MAX_SEED), undefined);
    return new GaussianDropout(rate, { ...base, ...(seed === undefined ? {} : { seed }) });
  }
}
