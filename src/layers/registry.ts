// The one list of layer classes: each declares its Keras class name and reads its own Keras config
// (static fromKeras); writing is the instance's kerasClassName()/kerasConfig(). Model files are read
// and written through this table only, so a new layer is its file plus one line here.

import { Activation, ELU, LeakyReLU, ReLU, Softmax } from './activation.js';
import type { ConfigReader } from './config_reader.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { GaussianDropout, GaussianNoise } from './gaussian.js';
import type { BaseLayerOptions, Layer } from './layer.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { Flatten, Reshape } from './reshape.js';

/** Reads a layer from its (already checked to be an object) Keras config and the common options. */
export type LayerReader = (config: ConfigReader, base: BaseLayerOptions) => Layer;

const READERS: Readonly<Record<string, LayerReader>> = {
  Dense: Dense.fromKeras,
  Dropout: Dropout.fromKeras,
  Activation: Activation.fromKeras,
  ReLU: ReLU.fromKeras,
  LeakyReLU: LeakyReLU.fromKeras,
  ELU: ELU.fromKeras,
  Softmax: Softmax.fromKeras,
  Flatten: Flatten.fromKeras,
  Reshape: Reshape.fromKeras,
  BatchNormalization: BatchNormalization.fromKeras,
  LayerNormalization: LayerNormalization.fromKeras,
  GaussianNoise: GaussianNoise.fromKeras,
  GaussianDropout: GaussianDropout.fromKeras,
};

/** The Keras class names sinew reads. */
export const LAYER_CLASS_NAMES: readonly string[] = Object.keys(READERS);

/** The reader of a Keras class name (own entries only: 'toString' is not a layer). */
export function layerReader(className: string): LayerReader | undefined {
  return Object.prototype.hasOwnProperty.call(READERS, className) ? READERS[className] : undefined;
}
