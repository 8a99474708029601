// loadModel and fromArtifacts: io/ reads a source and checks the whole file (io/load.ts); only then
// is a Sequential assembled here, so a bad file costs an Error naming the field and never a
// half-made model.

import { checkOptionKeys } from '../errors.js';
import type { ModelArtifacts } from '../io/artifacts.js';
import { checkArtifacts, readSource, type CheckedModel, type LoadOptions, type LoadSource } from '../io/load.js';
import { Sequential } from './sequential.js';

export type { LoadOptions, LoadSource };

/**
 * Loads a model saved by sinew, TF.js (`model.save`) or converted from Keras (tensorflowjs_converter).
 * @example
 *   const model = await loadModel('checkpoints/iris');          // Node, Deno, Bun
 *   const model = await loadModel('https://example.com/iris/model.json');   // fetch, anywhere
 *   const model = await loadModel('/models/iris/model.json');  // in a page: relative to it
 *   const model = await loadModel('indexeddb://iris');          // what model.save('indexeddb://iris') stored
 *   const model = await loadModel(tf.io.browserIndexedDB('m')); // any TF.js-style handler
 */
export async function loadModel(source: LoadSource, options: LoadOptions = {}): Promise<Sequential> {
  checkOptionKeys('loadModel', options, ['backend', 'requestInit']);
  const read = await readSource(source, options);
  return assemble(checkArtifacts(read.artifacts, 'loadModel', read.specsName, read.dataName), options);
}

/** Builds a model from in-memory artifacts (what model.toArtifacts() returns, or TF.js's). */
export function fromArtifacts(artifacts: ModelArtifacts | object, options: LoadOptions = {}): Sequential {
  checkOptionKeys('fromArtifacts', options, ['backend']);
  return assemble(checkArtifacts(artifacts, 'fromArtifacts', 'weightSpecs', 'weightData'), options);
}

/** The model of a checked file: layers, weights, compile settings, optimizer state, training stream. */
function assemble(checked: CheckedModel, options: LoadOptions): Sequential {
  const { blueprint, values, seed, epochsStarted, streamSeed, compile, optimizerState } = checked;
  // The weights come from the file: skip drawing initial values that would be overwritten.
  for (const layer of blueprint.layers) layer.initialized = true;
  const model = new Sequential({ layers: blueprint.layers, name: blueprint.name, ...(seed === undefined ? {} : { seed }), ...(options.backend ? { backend: options.backend } : {}) });
  try {
    model.state.writeCheckedWeights(values); // names, shapes and finiteness were checked
    if (compile) {
      model.compile({ optimizer: compile.optimizer, loss: compile.loss, metrics: compile.metrics });
      // (restoreOptimizerSlots lays the plan out again with room for the slots, carrying the weights over.)
      compile.optimizer.iterations = optimizerState!.iterations;
      if (optimizerState!.slots) model.state.restoreOptimizerSlots(optimizerState!.slots);
    }
    model.state.setTrainingStream(streamSeed ?? model.state.streamSeed, epochsStarted);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
