// Loading: artifacts (in memory, from a TF.js-style handler, or read from a directory) → a new
// Sequential. Everything in the file is checked first — topology, weight names and shapes, the exact
// byte length, every value finite, the compile record and optimizer state — and only then is a
// model built, so a bad file costs an Error naming the field and never a half-made model.

import type { Backend } from '../backend/backend.js';
import type { Layer } from '../layers/layer.js';
import type { LossSpec } from '../losses.js';
import { shapeSize, type LayerBuild, type Shape } from '../layers/layer.js';
import { MAX_MEMORY_BYTES } from '../model/memory_budget.js';
import { planFloats } from '../model/plan.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { SGD } from '../optimizers/sgd.js';
import { describe, ownedBy, SinewError } from '../errors.js';
import { readManifest, type ModelArtifacts } from './artifacts.js';
import { hasFileSystem, readModelJson, readWeightFiles } from './file_system.js';
import { fetchModelJson, fetchWeights, isHttpUrl } from './http.js';
import { isIndexedDbUrl, loadFromIndexedDb } from './indexed_db.js';
import { loadRoute } from './schemes.js';
import { readTopology, type Blueprint } from './keras_topology.js';
import { readCompileRecord, readTrainingConfig, recordMatches, slotNames } from './training_config.js';
import { Untrusted } from './untrusted.js';
import { elementCount, layoutWeightData, MAX_ELEMENTS, readFloats, readScalar, readWeightData, readWeightSpecs, type WeightSpec } from './weights.js';

export interface LoadOptions {
  /** Options for fetch when loading from an http(s) URL (headers, credentials, …). */
  requestInit?: RequestInit;
  /** Advanced: the backend instance to build the model on (as in SequentialOptions). */
  backend?: Backend;
}

/** Where loadModel reads from: a directory or model.json path, an http(s) URL of model.json, 'indexeddb://name', artifacts, or an object with load(). */
// Anything read is checked at run time, so a handler may return TF.js's artifacts type (or anything).
export type LoadSource = string | ModelArtifacts | { load?: () => unknown };

/** Artifacts read from a source, and how errors name their specs and bytes. */
export interface SourceRead {
  artifacts: unknown;
  specsName: string;
  dataName: string;
}

/** Reads what `loadModel(source)` names: a path, a URL, IndexedDB, a handler's load(), or artifacts. Nothing is checked beyond the transport. */
export async function readSource(source: LoadSource, options: LoadOptions): Promise<SourceRead> {
  const inMemory = (artifacts: unknown): SourceRead => ({ artifacts, specsName: 'weightSpecs', dataName: 'weightData' });
  if (typeof source === 'string') {
    if (source === '') throw new SinewError(`loadModel: expected \`source\` to be a directory or model.json path, received ''`);
    loadRoute(source); // an unknown scheme is refused, never read as a folder
    if (isIndexedDbUrl(source)) return inMemory(await loadFromIndexedDb(source));
    // A page or worker has no file system: there a path is a URL relative to the page, as in TF.js.
    const pageUrl = (globalThis as { location?: { href?: string } }).location?.href;
    const href = isHttpUrl(source) ? source : !hasFileSystem() && pageUrl ? new URL(source, pageUrl).href : undefined;
    const { json, dir, url } = href ? { ...(await fetchModelJson(href, options.requestInit)), dir: '' } : { ...(await ownedBy('loadModel', readModelJson(source))), url: undefined };
    const root = new Untrusted(json, '', 'loadModel');
    const { paths, specs, specsName } = readManifest(root);
    const weightData = url ? await fetchWeights(url, paths, MAX_ELEMENTS * 4, options.requestInit) : await ownedBy('loadModel', readWeightFiles(dir, paths, MAX_ELEMENTS * 4, json));
    const j = json as Record<string, unknown>;
    return { artifacts: { ...pick(j), weightSpecs: specs, weightData }, specsName, dataName: `weight files (${paths.join(', ')})` };
  }
  if (source !== null && typeof source === 'object' && typeof (source as { load?: unknown }).load === 'function') return inMemory(await (source as { load(): unknown }).load());
  if (source !== null && typeof source === 'object') return inMemory(source);
  throw new SinewError(`loadModel: expected \`source\` to be a directory path, model artifacts, or an object with load(), received ${describe(source)}`);
}

/** The model.json fields that make up artifacts (own properties only; a hostile file gets no more). */
function pick(j: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['format', 'modelTopology', 'trainingConfig', 'userDefinedMetadata', 'generatedBy']) {
    if (Object.prototype.hasOwnProperty.call(j, key)) out[key] = j[key];
  }
  return out;
}

/** One expected weight of the model, with where it sits in the file. */
interface Expected {
  layer: Layer;
  param: string;
  /** Position among the layer's weights (Keras 3 stores them by position: 'dense/vars/0'). */
  index: number;
  shape: readonly number[];
  /** In the trainable block (so it has optimizer slots). */
  trainable: boolean;
  /** Index of its spec in the file, once matched. */
  spec?: number;
}

/** A model file that passed every check: what the model is built from. */
export interface CheckedModel {
  blueprint: Blueprint;
  /** Every weight's values, in the model's getWeights() order. */
  values: Float32Array[];
  seed: number | undefined;
  epochsStarted: number;
  /** The training stream's seed (absent: the one derived from `seed`). */
  streamSeed: number | undefined;
  compile: { optimizer: Optimizer; loss: LossSpec; metrics: string[] } | undefined;
  optimizerState: { iterations: number; slots: Float32Array[] | undefined } | undefined;
}

/**
 * Checks a whole model file and returns what to build it from; nothing is allocated or built.
 * `specsName`, `dataName`: how errors name the specs and the bytes (artifacts' fields, or model.json's manifest and files).
 */
export function checkArtifacts(artifacts: unknown, owner: string, specsName: string, dataName: string): CheckedModel {
  const root = new Untrusted(artifacts, '', owner);
  if (artifacts === null || typeof artifacts !== 'object' || Array.isArray(artifacts)) root.fail('model artifacts { modelTopology, weightSpecs, weightData }');
  root.object('model artifacts { modelTopology, weightSpecs, weightData }');
  const format = root.get('format');
  if (!format.isMissing() && format.value !== 'layers-model') format.fail(`'layers-model' (TF.js graph models are not Keras models)`);
  const blueprint = readTopology(root.get('modelTopology'));

  // Weights: specs, exact byte length, then each expected tensor matched by name and shape.
  const specsField = new Untrusted(root.get('weightSpecs').value, specsName, owner);
  const specs = readWeightSpecs(specsField);
  const bytes = readWeightData(root.get('weightData'));
  const offsets = layoutWeightData(specs, bytes.length, new Untrusted(undefined, dataName, owner));
  const expected: Expected[] = [];
  const builds: LayerBuild[] = [];
  let shape: Shape = blueprint.inputShape;
  blueprint.layers.forEach((layer, li) => {
    let build;
    try {
      build = layer.build(shape, li === blueprint.layers.length - 1);
    } catch (e) {
      // A layer that cannot take the previous layer's output: the topology is inconsistent.
      throw new SinewError(`${owner}: \`modelTopology\` does not describe a model sinew can build: ${(e as Error).message}`);
    }
    build.weights.forEach((w, index) => expected.push({ layer, param: w.name, index, shape: w.shape, trainable: w.trainable && layer.trainable }));
    builds.push(build);
    shape = build.outputShape;
  });
  // Before any byte is read: the memory the model needs to run one row (a hostile file's layers of
  // 2^20 units would ask for gigabytes at the first predict).
  const oneRow = planFloats(builds, shapeSize(blueprint.inputShape), shapeSize(shape), { batchCap: 1, trainRows: 0, valRows: 0, yWidth: shapeSize(shape), slotCount: 2 }) * 4;
  if (oneRow > MAX_MEMORY_BYTES) {
    root.get('modelTopology').fail(`a model that fits in WebAssembly's 4 GB`, `one that needs ${(oneRow / 1e9).toFixed(1)} GB to run a single row`);
  }
  const specAt = (i: number) => new Untrusted(specs[i], `${specsName}[${i}]`, owner);
  const fileName = new Map<Expected, string>();
  specs.forEach((spec, i) => {
    if (spec.group === 'optimizer') return;
    const names = () => expected.map((e) => `${e.layer.name}/${e.param}`).join(', ');
    // An exact name first, so a scoped form ('a/dense/kernel') cannot take another layer's weight.
    const match =
      expected.find((e) => spec.name === `${e.layer.name}/${e.param}`) ??
      expected.find((e) => e.spec === undefined && nameMatches(spec.name, e)) ??
      specAt(i).get('name').fail(`the name of one of this model's weights (${names()})`);
    if (match.spec !== undefined) specAt(i).get('name').fail(`a weight not listed before`, `'${spec.name}' a second time`);
    if (spec.dtype !== 'float32') specAt(i).get('dtype').fail(`'float32'`);
    if (!sameShape(spec.shape, match.shape)) specAt(i).get('shape').fail(`[${match.shape.join(', ')}] (from the topology)`, `[${spec.shape.join(', ')}]`);
    match.spec = i;
    fileName.set(match, spec.name);
  });
  const missing = expected.find((e) => e.spec === undefined);
  if (missing) specsField.fail(`a list holding '${missing.layer.name}/${missing.param}' with shape [${missing.shape.join(', ')}]`, `${specs.length} specs without it`);
  const values = expected.map((e) => readFloats(bytes, offsets[e.spec!], elementCount(e.shape), () => specAt(e.spec!)));

  // Compile record and training state: sinew's own when present, else TF.js's trainingConfig.
  const meta = root.get('userDefinedMetadata');
  const sinew = meta.isMissing() ? undefined : meta.object().get('sinew');
  let seed: number | undefined;
  let epochsStarted = 0;
  let streamSeed: number | undefined;
  let compile: { optimizer: Optimizer; loss: LossSpec; metrics: string[]; tfjsSlots: 'same' | 'momentumFromAccumulator' | 'rmsIgnoringMoments' } | undefined;
  // The file layer may add weightsCrc32/weightsBytes to a foreign model.json; sinew's record has a format.
  if (sinew && !sinew.isMissing() && !sinew.object().get('format').isMissing()) {
    sinew.get('format').int(1, 1);
    seed = sinew.get('seed').int(0, 2 ** 32 - 1);
    epochsStarted = sinew.get('epochsStarted').optional((f) => f.int(0, 2 ** 31 - 1), 0);
    streamSeed = sinew.get('streamSeed').optional((f) => f.int(0, 2 ** 32 - 1), undefined);
    const record = sinew.get('compile');
    // A record whose trainingConfig no longer matches the file's was carried over by TF.js, which re-compiled.
    if (!record.isMissing() && recordMatches(record.object(), root.get('trainingConfig'))) compile = { ...readCompileRecord(record), tfjsSlots: 'same' };
  }
  if (!compile && !root.get('trainingConfig').isMissing()) compile = readTrainingConfig(root.get('trainingConfig'));
  const state = compile ? readOptimizerState(compile, specs, specAt, offsets, bytes, expected, fileName, specsField) : undefined;

  return { blueprint, values, seed, epochsStarted, streamSeed, compile, optimizerState: state };
}

/**
 * Exact name, or the same path under a scope prefix (Keras 3 `.h5` files converted: 'sequential/dense/kernel');
 * or, from Keras 3 `.keras` files converted, the layer's variables by position ('layers/dense/vars/0').
 */
function nameMatches(fileName: string, e: Expected): boolean {
  const endsAs = (want: string) => fileName === want || fileName.endsWith(`/${want}`);
  return endsAs(`${e.layer.name}/${e.param}`) || endsAs(`${e.layer.name}/vars/${e.index}`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The optimizer's step count and slots from the 'optimizer' group: `iter`, then `<weight>/<slot>`
 * for every weight — all present, or none (TF.js creates slots on the first step, so an untrained
 * optimizer has only `iter`). Slot blocks come back in the parameter block's layout.
 */
function readOptimizerState(
  compile: { optimizer: Optimizer; tfjsSlots: 'same' | 'momentumFromAccumulator' | 'rmsIgnoringMoments' },
  specs: WeightSpec[],
  specAt: (i: number) => Untrusted,
  offsets: number[],
  bytes: Uint8Array,
  expected: Expected[],
  fileName: Map<Expected, string>,
  specsField: Untrusted,
): { iterations: number; slots: Float32Array[] | undefined } {
  const optimizer = compile.optimizer;
  const names = slotNames(optimizer);
  // Slots belong to the trainable weights only (TF.js and Keras keep none for frozen weights or moving statistics).
  const trained = expected.filter((e) => e.trainable);
  const groupIdx = specs.map((s, i) => (s.group === 'optimizer' ? i : -1)).filter((i) => i >= 0);
  let iterations = 0;
  const iterIdx = groupIdx.find((i) => specs[i].name === 'iter');
  if (iterIdx !== undefined) {
    if (specs[iterIdx].shape.length !== 0) specAt(iterIdx).get('shape').fail('[] (a scalar step count)');
    const v = readScalar(bytes, offsets[iterIdx], specs[iterIdx].dtype);
    iterations = new Untrusted(v, `${specsField.path}[${iterIdx}] (iter) value`, specsField.owner).int(0, 2 ** 31 - 1);
  }
  // TF.js's RMSProp keeps a momentum slot even at momentum 0; it carries nothing then.
  const ignored = compile.tfjsSlots === 'rmsIgnoringMoments' ? ['momentum'] : [];
  const slotIdx = new Map<string, number>();
  for (const i of groupIdx) {
    if (i === iterIdx) continue;
    const name = specs[i].name;
    const slash = name.lastIndexOf('/');
    const slot = name.slice(slash + 1);
    const unexpected = () => specAt(i).get('name').fail(`'iter' or '<weight>/<slot>' with a slot of ${optimizer.constructor.name} (${names.join(', ') || 'none'})`);
    // TF.js names slots after its variables, which it de-duplicates per process ('dense/kernel_1/m' for
    // the weight saved as 'dense/kernel' when another model took that name first).
    const prefix = name.slice(0, slash);
    const owner = trained.find((e) => prefix === fileName.get(e)) ?? trained.find((e) => prefix.replace(/_\d+$/, '') === fileName.get(e)) ?? unexpected();
    const key = `${fileName.get(owner)}/${slot}`;
    if (!(names.includes(slot) || ignored.includes(slot))) unexpected();
    if (ignored.includes(slot)) continue;
    if (slotIdx.has(key)) specAt(i).get('name').fail('an optimizer weight not listed before', `'${name}' a second time`);
    if (specs[i].dtype !== 'float32') specAt(i).get('dtype').fail(`'float32'`);
    if (!sameShape(specs[i].shape, owner.shape)) specAt(i).get('shape').fail(`[${owner.shape.join(', ')}] (the shape of ${fileName.get(owner)})`, `[${specs[i].shape.join(', ')}]`);
    slotIdx.set(key, i);
  }
  if (slotIdx.size === 0) return { iterations, slots: undefined };
  const n = trained.reduce((s, e) => s + elementCount(e.shape), 0);
  const slots = names.map((slot) => {
    const block = new Float32Array(n);
    let at = 0;
    for (const e of trained) {
      const key = `${fileName.get(e)}/${slot}`;
      const i = slotIdx.get(key);
      if (i === undefined) specsField.fail(`optimizer weights for every model weight or for none`, `none named '${key}'`);
      block.set(readFloats(bytes, offsets[i], elementCount(e.shape), () => specAt(i)), at);
      at += elementCount(e.shape);
    }
    return block;
  });
  if (compile.tfjsSlots === 'momentumFromAccumulator') {
    // TF.js: a ← β·a + g, w ← w − lr·a;  Keras/sinew: m ← β·m − lr·g, w ← w + m;  so m = −lr·a.
    const lr = (optimizer as SGD).learningRate;
    for (let i = 0; i < n; i++) slots[0][i] = -lr * slots[0][i];
  }
  return { iterations, slots };
}
