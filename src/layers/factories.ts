// The TensorFlow.js spelling of the layer constructors: `layers.dense({ units, ... })`,
// `layers.dropout({ rate })`, `layers.activation({ activation })`. Each builds the same object as
// the Keras-style class.

import { Activation } from './activation.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import type { ActivationSpec } from '../activations.js';
import type { BaseLayerOptions } from './layer.js';
import { describe } from '../errors.js';

function need<T extends object>(owner: string, args: T | undefined): T {
  if (args === null || typeof args !== 'object') throw new Error(`${owner}: expected an options object, received ${describe(args)}`);
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
};
