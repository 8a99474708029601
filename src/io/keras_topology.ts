// The model's architecture as Keras/TF.js `modelTopology` JSON, both ways. Writing produces what
// tfjs.loadLayersModel reads (class_name "Sequential", snake_case layer configs, batch_input_shape
// on the first layer). Reading accepts TF.js's output, Keras 2 and 3 configs (an InputLayer first,
// `batch_shape`, dtype policies) and the converter's `model_config` wrapper, and builds sinew layers
// only after every field has been checked; nothing is allocated here.

import { Activation } from '../layers/activation.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { readActivation, readInitializer, readRegularizer, writeActivation, writeInitializer, writeRegularizer } from './keras_values.js';
import type { Untrusted } from './untrusted.js';

/** Bounds that keep a hostile file from asking for absurd models before any byte is checked. */
export const LIMITS = { layers: 1000, width: 1 << 20, nameLength: 256 } as const;

/** What a model file describes, ready to be assembled into a Sequential. */
export interface Blueprint {
  name: string;
  inputDim: number;
  layers: Layer[];
}

// ---- writing ---------------------------------------------------------------------------------

/** Keras config of one layer; `inputDim` is set on the first layer only (its batch_input_shape). */
function writeLayer(layer: Layer, inputDim: number | undefined): Record<string, unknown> {
  const head = inputDim === undefined ? {} : { batch_input_shape: [null, inputDim], dtype: 'float32' };
  if (layer instanceof Dense) {
    const { activation, alpha } = writeActivation(layer.activation);
    return {
      class_name: 'Dense',
      config: {
        units: layer.units,
        activation,
        ...(alpha === undefined ? {} : { sinew_activation_alpha: alpha }),
        use_bias: layer.useBias,
        kernel_initializer: writeInitializer(layer.kernelInitializer),
        bias_initializer: writeInitializer(layer.biasInitializer),
        kernel_regularizer: writeRegularizer(layer.kernelRegularizer),
        bias_regularizer: writeRegularizer(layer.biasRegularizer),
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        name: layer.name,
        trainable: true,
        ...head,
      },
    };
  }
  if (layer instanceof Dropout) {
    return { class_name: 'Dropout', config: { rate: layer.rate, noise_shape: null, seed: layer.seed ?? null, name: layer.name, trainable: true, ...head } };
  }
  if (layer instanceof Activation) {
    const act = layer.activation;
    // Parametrised activations as their Keras layers, which TF.js reads; the rest by name.
    if (act.name === 'leakyRelu') return { class_name: 'LeakyReLU', config: { alpha: act.alpha, name: layer.name, trainable: true, ...head } };
    if (act.name === 'elu' && act.alpha !== 1) return { class_name: 'ELU', config: { alpha: act.alpha, name: layer.name, trainable: true, ...head } };
    return { class_name: 'Activation', config: { activation: writeActivation(act).activation, name: layer.name, trainable: true, ...head } };
  }
  throw new Error(`save: layer '${layer.name}' (${layer.className}) cannot be saved; sinew saves Dense, Dropout and Activation layers`);
}

/** The `modelTopology` of a model whose input width is known. */
export function writeTopology(name: string, inputDim: number, layers: readonly Layer[], version: string): Record<string, unknown> {
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((layer, i) => writeLayer(layer, i === 0 ? inputDim : undefined)) },
    keras_version: `sinew ${version}`,
    backend: 'sinew',
  };
}

// ---- reading ---------------------------------------------------------------------------------

/** The class names sinew builds (InputLayer only carries the input width). */
const LAYER_CLASSES = ['Dense', 'Dropout', 'Activation', 'LeakyReLU', 'ELU', 'ReLU', 'Softmax', 'InputLayer'] as const;

/** Reads `modelTopology` (or the converter's { model_config }) into layers and the input width. */
export function readTopology(topology: Untrusted): Blueprint {
  topology.object();
  const root = topology.get('model_config').isMissing() ? topology : topology.get('model_config').object();
  root.get('class_name').oneOf(['Sequential']);
  const config = root.get('config');
  // Keras ≤ 2.1 wrote the layer list as the config itself.
  const layerList = Array.isArray(config.value) ? config : config.object().get('layers');
  const entries = layerList.array(LIMITS.layers + 1, 'an array of layers');
  const name = Array.isArray(config.value) ? 'sequential' : config.get('name').optional((f) => f.string(LIMITS.nameLength), 'sequential');
  const names = new Set<string>();
  const pending: { className: (typeof LAYER_CLASSES)[number]; c: Untrusted; name: string }[] = [];
  let inputDim: number | undefined;
  // Keras 3 may record the input shape on the Sequential itself.
  if (!Array.isArray(config.value)) {
    const built = config.get('build_input_shape');
    if (!built.isMissing()) inputDim = readBatchShape(built);
  }
  entries.forEach((entry, i) => {
    entry.object();
    const className = entry.get('class_name').oneOf(LAYER_CLASSES);
    const c = entry.get('config').object();
    readCommon(c);
    const shape = c.getAny(['batch_input_shape', 'batch_shape']);
    if (!shape.isMissing()) {
      if (pending.length > 0) shape.fail('absent (only the first layer may declare the input shape)');
      inputDim = readBatchShape(shape);
    }
    if (className === 'InputLayer') {
      if (pending.length > 0) entry.get('class_name').fail(`not 'InputLayer' after other layers`);
      if (inputDim === undefined) c.get('batch_input_shape').fail('[null, features]');
      return;
    }
    const layerName = c.get('name').string(LIMITS.nameLength);
    if (names.has(layerName)) c.get('name').fail('a layer name not used before in this model', `'${layerName}' a second time`);
    names.add(layerName);
    pending.push({ className, c, name: layerName });
  });
  if (pending.length === 0) layerList.fail('a list with at least one layer');
  if (pending.length > LIMITS.layers) layerList.fail(`at most ${LIMITS.layers} layers`);
  const width = inputDim ?? entries[0].get('config').get('batch_input_shape').fail('[null, features] on the first layer (the input width is needed to place the weights)');
  const layers = pending.map((p, i) => readLayer(p.className, p.c, { name: p.name, ...(i === 0 ? { inputDim: width } : {}) }));
  return { name, inputDim: width, layers };
}

/** [null, d] (or [batch, d]): the input width. */
function readBatchShape(field: Untrusted): number {
  const dims = field.array(2, '[null, features]');
  if (dims.length !== 2) field.fail('[null, features] (one-dimensional inputs)');
  if (!dims[0].isMissing()) dims[0].int(1, 2 ** 31 - 1);
  return dims[1].int(1, LIMITS.width);
}

/** Keys every Keras layer may carry; only float32 and trainable layers can be honoured. */
function readCommon(c: Untrusted): void {
  const dtype = c.get('dtype');
  if (!dtype.isMissing()) {
    // Keras 3 writes a policy object: { class_name: 'DTypePolicy', config: { name: 'float32' } }.
    const name = typeof dtype.value === 'string' ? dtype : dtype.object().get('config').get('name');
    name.oneOf(['float32']);
  }
  c.get('trainable').optional((f) => f.boolean(), true) || c.get('trainable').fail('true (frozen layers are not supported by sinew)');
}

function readLayer(className: (typeof LAYER_CLASSES)[number], c: Untrusted, base: { name: string; inputDim?: number }): Layer {
  switch (className) {
    case 'Dense': {
      const units = c.get('units').int(1, LIMITS.width);
      for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) c.get(key).unsupported(key);
      return new Dense(units, {
        ...base,
        activation: readActivation(c.get('activation'), c.get('sinew_activation_alpha')),
        useBias: c.get('use_bias').optional((f) => f.boolean(), true),
        kernelInitializer: readInitializer(c.get('kernel_initializer'), 'glorotUniform'),
        biasInitializer: readInitializer(c.get('bias_initializer'), 'zeros'),
        kernelRegularizer: readRegularizer(c.get('kernel_regularizer')),
        biasRegularizer: readRegularizer(c.get('bias_regularizer')),
      });
    }
    case 'Dropout': {
      c.get('noise_shape').unsupported('noise_shape');
      const rate = c.get('rate').number(0, 1);
      if (rate === 1) c.get('rate').fail('a number in [0, 1)');
      const seed = c.get('seed').optional((f) => f.int(0, 2 ** 31 - 1), undefined);
      return new Dropout(rate, { ...base, ...(seed === undefined ? {} : { seed }) });
    }
    case 'Activation': {
      return new Activation(readActivation(c.get('activation'), c.get('sinew_activation_alpha')), base);
    }
    case 'LeakyReLU': {
      // TF.js and Keras 2 call the slope alpha, Keras 3 negative_slope; the layer's default is 0.3.
      const alpha = c.getAny(['alpha', 'negative_slope']).optional((f) => f.number(0, 1e6), 0.3);
      return new Activation({ name: 'leakyRelu', alpha }, base);
    }
    case 'ELU':
      return new Activation({ name: 'elu', alpha: c.get('alpha').optional((f) => f.number(0, 1e6), 1) }, base);
    case 'ReLU': {
      // Only the plain form: max(x, 0).
      c.get('max_value').unsupported('ReLU max_value');
      if (c.getAny(['negative_slope', 'alpha']).optional((f) => f.number(), 0) !== 0) c.get('negative_slope').fail('0 (use LeakyReLU for a slope)');
      if (c.get('threshold').optional((f) => f.number(), 0) !== 0) c.get('threshold').fail('0');
      return new Activation('relu', base);
    }
    case 'Softmax': {
      const axis = c.get('axis');
      if (!axis.isMissing() && axis.value !== -1 && axis.value !== 1 && !(Array.isArray(axis.value) && axis.value.length === 1 && axis.value[0] === -1)) axis.fail('-1 (the feature axis)');
      return new Activation('softmax', base);
    }
    case 'InputLayer':
      throw new Error('unreachable: InputLayer is handled by readTopology');
  }
}
