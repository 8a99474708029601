// The model's architecture as Keras/TF.js `modelTopology` JSON, both ways. Writing produces what
// tfjs.loadLayersModel reads (class_name "Sequential", snake_case layer configs, batch_input_shape
// on the first layer). Reading accepts TF.js's output, Keras 2 and 3 configs (an InputLayer first,
// `batch_shape`, dtype policies) and the converter's `model_config` wrapper, and builds sinew layers
// only after every field has been checked; nothing is allocated here.

import type { Layer, Shape } from '../layers/layer.js';
import { LAYER_CLASS_NAMES, layerReader } from '../layers/registry.js';
import type { Untrusted } from './untrusted.js';

import { LIMITS } from '../layers/limits.js';
export { LIMITS };

/** What a model file describes, ready to be assembled into a Sequential. */
export interface Blueprint {
  name: string;
  inputShape: number[];
  layers: Layer[];
}

// ---- writing ---------------------------------------------------------------------------------

/** Keras config of one layer; `inputShape` is set on the first layer only (its batch_input_shape). */
function writeLayer(layer: Layer, inputShape: Shape | undefined): Record<string, unknown> {
  const head = inputShape === undefined ? {} : { batch_input_shape: [null, ...inputShape], dtype: 'float32' };
  return { class_name: layer.kerasClassName(), config: { ...layer.kerasConfig(), name: layer.name, trainable: layer.trainable, ...head } };
}

/** The `modelTopology` of a model whose input shape is known. */
export function writeTopology(name: string, inputShape: Shape, layers: readonly Layer[], version: string): Record<string, unknown> {
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((layer, i) => writeLayer(layer, i === 0 ? inputShape : undefined)) },
    keras_version: `sinew ${version}`,
    backend: 'sinew',
  };
}

// ---- reading ---------------------------------------------------------------------------------

/** Reads `modelTopology` (or the converter's { model_config }) into layers and the input shape. */
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
  const pending: { className: string; c: Untrusted; name: string; trainable: boolean }[] = [];
  let inputShape: number[] | undefined;
  // Keras 3 may record the input shape on the Sequential itself.
  if (!Array.isArray(config.value)) {
    const built = config.get('build_input_shape');
    if (!built.isMissing()) inputShape = readBatchShape(built);
  }
  entries.forEach((entry) => {
    entry.object();
    const className = entry.get('class_name').oneOf([...LAYER_CLASS_NAMES, 'InputLayer']);
    const c = entry.get('config').object();
    const trainable = readCommon(c);
    const shape = c.getAny(['batch_input_shape', 'batch_shape']);
    if (!shape.isMissing()) {
      if (pending.length > 0) shape.fail('absent (only the first layer may declare the input shape)');
      inputShape = readBatchShape(shape);
    }
    if (className === 'InputLayer') {
      if (pending.length > 0) entry.get('class_name').fail(`not 'InputLayer' after other layers`);
      if (inputShape === undefined) c.get('batch_input_shape').fail('[null, …input shape]');
      return;
    }
    const layerName = c.get('name').string(LIMITS.nameLength);
    if (names.has(layerName)) c.get('name').fail('a layer name not used before in this model', `'${layerName}' a second time`);
    names.add(layerName);
    pending.push({ className, c, name: layerName, trainable });
  });
  if (pending.length === 0) layerList.fail('a list with at least one layer');
  if (pending.length > LIMITS.layers) layerList.fail(`at most ${LIMITS.layers} layers`);
  const shape = inputShape ?? entries[0].get('config').get('batch_input_shape').fail('[null, features] on the first layer (the input width is needed to place the weights)');
  const layers = pending.map((p, i) =>
    layerReader(p.className)!(p.c, { name: p.name, ...(p.trainable ? {} : { trainable: false }), ...(i === 0 ? { inputShape: shape } : {}) }),
  );
  return { name, inputShape: shape, layers };
}

/** [null, …dims] (or [batch, …dims]): the per-sample input shape. */
function readBatchShape(field: Untrusted): number[] {
  const dims = field.array(LIMITS.rank + 1, '[null, …input shape]');
  if (dims.length < 2) field.fail('[null, …input shape] (a batch axis and at least one more)');
  if (!dims[0].isMissing()) dims[0].int(1, 2 ** 31 - 1);
  const shape = dims.slice(1).map((d) => d.int(1, LIMITS.width));
  if (shape.reduce((a, b) => a * b, 1) > LIMITS.sampleSize) field.fail(`an input shape of at most ${LIMITS.sampleSize} values per sample`);
  return shape;
}

/** Keys every Keras layer may carry; only float32 can be honoured. Returns `trainable`. */
function readCommon(c: Untrusted): boolean {
  const dtype = c.get('dtype');
  if (!dtype.isMissing()) {
    // Keras 3 writes a policy object: { class_name: 'DTypePolicy', config: { name: 'float32' } }.
    const name = typeof dtype.value === 'string' ? dtype : dtype.object().get('config').get('name');
    name.oneOf(['float32']);
  }
  return c.get('trainable').optional((f) => f.boolean(), true);
}
