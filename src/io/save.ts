// Saving: a model → ModelArtifacts (synchronously, a consistent snapshot even from a callback inside
// fit), then to a target — a directory (Node, Deno, Bun; written atomically by file_system.ts), a
// function, or any TF.js-style handler with save(artifacts) (tf.io.browserIndexedDB(…) works).

import type { ModelState } from '../model/model_state.js';
import { VERSION } from '../version.js';
import { toModelJson, type ModelArtifacts, type TrainingConfig } from './artifacts.js';
import { writeModelFiles } from './file_system.js';
import { saveToIndexedDb } from './indexed_db.js';
import { saveToDownloads } from './downloads.js';
import { saveRoute } from './schemes.js';
import { writeTopology } from './keras_topology.js';
import { slotNames, writeCompileRecord } from './training_config.js';
import { encodeWeights, type NamedTensor } from './weights.js';
import { checkOptionKeys, describe, ownedBy, SinewError } from '../errors.js';

export interface SaveOptions {
  /**
   * Also save compile's loss, metrics and optimizer, the optimizer's state (step count and every
   * slot) and where the training randomness continues, so that fit resumes exactly; default false (TF.js).
   */
  includeOptimizer?: boolean;
}

/** Where save() puts a model: a directory path, 'indexeddb://name' (browsers), a function, or a TF.js IOHandler-like object. */
// `save` is optional in the type so that TF.js's IOHandler (whose save and load are both optional) fits; it is checked at run time.
export type SaveTarget = string | ((artifacts: ModelArtifacts) => unknown) | { save?: (artifacts: ModelArtifacts) => unknown };

/** What save() resolves to (TF.js SaveResult); a handler's own result is passed through. */
export interface SaveResult {
  modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON'; modelTopologyBytes: number; weightSpecsBytes: number; weightDataBytes: number };
}

function readIncludeOptimizer(owner: string, options: SaveOptions): boolean {
  checkOptionKeys(owner, options, ['includeOptimizer']);
  const v = options.includeOptimizer ?? false;
  if (typeof v !== 'boolean') throw new SinewError(`${owner}: expected \`includeOptimizer\` to be a boolean, received ${describe(v)}`);
  return v;
}

/** The model as artifacts; weights (and optimizer state) are copied, so later training does not change them. */
export function modelToArtifacts(model: ModelState, options: SaveOptions = {}, owner = 'toArtifacts'): ModelArtifacts {
  const includeOptimizer = readIncludeOptimizer(owner, options);
  if (model.layers.length === 0) throw new SinewError(`${owner}: the model has no layers; add layers first`);
  if (model.inputShape === undefined) {
    throw new SinewError(`${owner}: the weights are not built yet because the input width is unknown; give the first layer \`inputDim\` (or \`inputShape\`), or call fit first`);
  }
  if (includeOptimizer && !model.compiled) throw new SinewError(`${owner}: \`includeOptimizer: true\` needs a compiled model; call compile first or save without it`);
  // Views of the heap, tensor by tensor; encodeWeights copies them once, before anything can touch the heap.
  const all = model.tensors();
  const tensors: NamedTensor[] = all.map((t) => ({ name: t.name, shape: [...t.decl.shape], values: model.view(t) }));
  const sinew: Record<string, unknown> = { format: 1, seed: model.seed };
  let trainingConfig: TrainingConfig | undefined;
  if (includeOptimizer) {
    const { optimizer, loss, metrics } = model.compiled!;
    const record = writeCompileRecord(optimizer, loss, metrics);
    sinew.compile = record;
    sinew.epochsStarted = model.epochsStarted;
    sinew.streamSeed = model.streamSeed;
    trainingConfig = record.trainingConfig ?? undefined;
    // TF.js's order: the step counter, then each slot over all trainable weights (the slots share the trainable block's layout).
    tensors.push({ name: 'iter', shape: [], values: [optimizer.iterations], dtype: 'int32', group: 'optimizer' });
    const slots = model.optimizerSlots();
    const trained = all.filter((t) => t.trainable);
    slotNames(optimizer).forEach((slot, s) => {
      for (const t of trained) tensors.push({ name: `${t.name}/${slot}`, shape: [...t.decl.shape], values: slots[s].subarray(t.offset, t.offset + t.count), group: 'optimizer' });
    });
  }
  // A file loadModel would refuse is never written (nor does it replace a good checkpoint).
  for (const t of tensors) {
    const bad = firstNonFinite(t.values);
    if (bad >= 0) {
      throw new SinewError(
        `${owner}: the model holds a non-finite value (${t.values[bad]} at index ${bad} of ${t.name}${t.group ? ', optimizer state' : ''}); nothing was saved. Training diverged: restore a checkpoint, or use a smaller learningRate or clipNorm`,
      );
    }
  }
  const { specs, data } = encodeWeights(tensors);
  return {
    modelTopology: writeTopology(model.name, model.inputShape, model.layers, VERSION),
    weightSpecs: specs,
    weightData: data,
    format: 'layers-model',
    generatedBy: `sinew ${VERSION}`,
    convertedBy: null,
    ...(trainingConfig ? { trainingConfig } : {}),
    userDefinedMetadata: { sinew },
  };
}

/** Index of the first NaN or ±Infinity, or −1 (v − v is 0 exactly for finite v). */
function firstNonFinite(values: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i] - values[i];
  if (acc === 0) return -1;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return i;
  return -1;
}

/** Saves to a directory (model.json + weights.bin), a function, or an object with save(artifacts). */
export async function saveModel(model: ModelState, target: SaveTarget, options: SaveOptions = {}): Promise<SaveResult | unknown> {
  const isHandler = typeof target === 'object' && target !== null && typeof (target as { save?: unknown }).save === 'function';
  if (typeof target !== 'string' && typeof target !== 'function' && !isHandler) {
    throw new SinewError(`save: expected \`target\` to be a directory path, a function (artifacts) => …, or an object with save(artifacts), received ${describe(target)}`);
  }
  if (typeof target === 'string' && target === '') throw new SinewError(`save: expected \`target\` to be a directory path, received ''`);
  const route = typeof target === 'string' ? saveRoute(target) : undefined; // an unknown scheme is refused, never a folder
  const artifacts = modelToArtifacts(model, options, 'save');
  const data = artifacts.weightData as ArrayBuffer;
  if (isHandler) return (target as { save(a: ModelArtifacts): unknown }).save(artifacts);
  if (typeof target === 'function') await target(artifacts);
  else if (route === 'indexeddb') await saveToIndexedDb(target as string, artifacts);
  else if (route === 'downloads') await saveToDownloads(target as string, artifacts);
  else await ownedBy('save', writeModelFiles(target as string, toModelJson(artifacts, 'weights.bin') as unknown as Record<string, unknown>, new Uint8Array(data)));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
      weightDataBytes: data.byteLength,
    },
  };
}
