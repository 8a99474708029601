// The TensorFlow.js spelling of the layer constructors: `layers.dense({ units, ... })`,
// `layers.dropout({ rate })`, `layers.batchNormalization()`, … Each builds the same object as the
// Keras-style class.

import { Activation, ELU, LeakyReLU, ReLU, Softmax, type LeakyReLUOptions } from './activation.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';
import { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from './normalization.js';
import type { RandomLayerOptions } from './random_layer.js';
import { Flatten, Reshape, type ReshapeOptions } from './reshape.js';
import type { ActivationSpec } from '../activations.js';
import type { BaseLayerOptions } from './layer.js';
import { describe, SinewError } from '../errors.js';

function need<T extends object>(owner: string, args: T | undefined): T {
  if (args === null || typeof args !== 'object') throw new SinewError(`${owner}: expected an options object, received ${describe(args)}`);
  return args;
}

export const layers = {
  /** @example layers.dense({ units: 8, inputShape: [4], activation: 'relu' }) */
  dense(args: DenseOptions & { units: number }): Dense {
    const { units, ...rest } = need('layers.dense', args);
    return new Dense(units, rest);
  },
  /** @example layers.dropout({ rate: 0.2 }) */
  dropout(args: DropoutOptions & { rate: number }): Dropout {
    const { rate, ...rest } = need('layers.dropout', args);
    return new Dropout(rate, rest);
  },
  /** @example layers.activation({ activation: 'softmax' }) */
  activation(args: BaseLayerOptions & { activation: ActivationSpec }): Activation {
    const { activation, ...rest } = need('layers.activation', args);
    return new Activation(activation, rest);
  },
  /** @example layers.flatten({ inputShape: [28, 28] }) */
  flatten: (args: BaseLayerOptions = {}): Flatten => new Flatten(args),
  /** @example layers.reshape({ targetShape: [7, 112] }) */
  reshape: (args: ReshapeOptions): Reshape => new Reshape(need('layers.reshape', args)),
  batchNormalization: (args: BatchNormalizationOptions = {}): BatchNormalization => new BatchNormalization(args),
  layerNormalization: (args: LayerNormalizationOptions = {}): LayerNormalization => new LayerNormalization(args),
  reLU: (args: BaseLayerOptions = {}): ReLU => new ReLU(args),
  leakyReLU: (args: LeakyReLUOptions = {}): LeakyReLU => new LeakyReLU(args),
  elu: (args: BaseLayerOptions & { alpha?: number } = {}): ELU => new ELU(args),
  softmax: (args: BaseLayerOptions & { axis?: number } = {}): Softmax => new Softmax(args),
  /** @example layers.gaussianNoise({ stddev: 0.1 }) */
  gaussianNoise(args: RandomLayerOptions & { stddev: number }): GaussianNoise {
    const { stddev, ...rest } = need('layers.gaussianNoise', args);
    return new GaussianNoise(stddev, rest);
  },
  /** @example layers.gaussianDropout({ rate: 0.2 }) */
  gaussianDropout(args: RandomLayerOptions & { rate: number }): GaussianDropout {
    const { rate, ...rest } = need('layers.gaussianDropout', args);
    return new GaussianDropout(rate, rest);
  },
};
