// Interoperability with TensorFlow.js 4.22 (cpu backend) and with the Keras → TF.js converter's files.
// sinew → TF.js: models trained on both sinew backends load in tf.loadLayersModel with the same weights,
// the same layer configs and the same predictions; Adam/Adagrad/SGD come back compiled with sinew's
// optimizer state. TF.js → sinew: trained TF.js models (in memory and in tfjs-node's directory layout)
// load with their optimizer state. Converter → sinew: Keras 2 and Keras 3 model.json fixtures built
// from TF.js-trained weights. Not here: sinew → sinew (round_trip.test.ts), file safety (file_system).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Activation,
  Adagrad,
  Adam,
  Dense,
  Dropout,
  fromArtifacts,
  l1,
  l1l2,
  l2,
  loadModel,
  randomNormal,
  RMSprop,
  Sequential,
  SGD,
  type LossSpec,
  type ModelArtifacts,
  type Optimizer,
} from '../../src/index.js';
import { expectAllClose, type Tolerance } from '../helpers/close.js';
import { backendFor, blobs, initWasm, MODEL_BACKENDS, randomRows, type ModelBackend } from '../helpers/models.js';

/**
 * sinew against TF.js's cpu backend on bit-identical float32 weights. Both round every operation to
 * float32 but sum in a different order (SIMD lanes; fused multiply-add in the relaxed build) and take
 * exp/tanh differently (sinew's WebAssembly polynomials vs Math.* rounded once): a few ULP per layer.
 * The networks here are ≤ 8 wide, inputs in [-1, 1], outputs below 1 (softmax, sigmoid, small
 * regressions), where one float32 ULP is ≤ 6e-8. Measured worst: 1.2e-7 (2 ULP) through 13 layers;
 * 1e-6 absolute leaves 8× margin while a wrong activation or weight is off by 1e-2 or more.
 */
const INTEROP: Tolerance = { atol: 1e-6, rtol: 0 };

const WIDTH = 6;
const X = randomRows(32, WIDTH, 101); // prediction inputs
const DATA = blobs(96, WIDTH, 3, 17); // training data: 6 batches of 16 per epoch

let tmp: string;
beforeAll(async () => {
  await initWasm();
  tf.enableProdMode(); // TF.js logs (its "install tfjs-node" banner included) are off in prod mode
  await tf.setBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'sinew-interop-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- helpers ---------------------------------------------------------------------------------

type TfArtifacts = tf.io.ModelArtifacts;

function sinewPredict(model: Sequential): Float32Array {
  return model.predict(X).data;
}

function tfPredict(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(X)) as tf.Tensor).dataSync() as Float32Array);
}

function loadInTfjs(artifacts: ModelArtifacts | TfArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as TfArtifacts));
}

/** model.save through an in-memory handler (tf.io.withSaveHandler): the artifacts TF.js hands any handler. */
async function tfjsArtifacts(model: tf.LayersModel, includeOptimizer = false): Promise<TfArtifacts> {
  let saved: TfArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return saved!;
}

function bytesOf(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

interface Decoded {
  name: string;
  group?: string;
  values: Float32Array | Int32Array;
}

/** The tensors of artifacts in manifest order, read from weightData (4 bytes per value, no padding). */
function tensorsOf(a: { weightSpecs?: tf.io.WeightsManifestEntry[]; weightData?: ArrayBuffer | ArrayBuffer[] }): Decoded[] {
  const bytes = bytesOf(a.weightData);
  let at = 0;
  return a.weightSpecs!.map((s) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    const buf = bytes.slice(at, at + 4 * n).buffer;
    at += 4 * n;
    return { name: s.name, group: s.group, values: s.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf) };
  });
}

function optimizerState(a: ModelArtifacts | TfArtifacts): Decoded[] {
  return tensorsOf(a as TfArtifacts).filter((t) => t.group === 'optimizer');
}

/** What tfjs-node's file handler writes (NodeFileSystem.save): model.json naming one weights.bin. */
function writeTfjsNodeDir(path: string, a: TfArtifacts): void {
  mkdirSync(path, { recursive: true });
  const json: Record<string, unknown> = {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
  };
  if (a.trainingConfig != null) json.trainingConfig = a.trainingConfig;
  if (a.userDefinedMetadata != null) json.userDefinedMetadata = a.userDefinedMetadata;
  writeFileSync(join(path, 'model.json'), JSON.stringify(json));
  writeFileSync(join(path, 'weights.bin'), bytesOf(a.weightData));
}

/**
 * What tfjs-node's file handler reads (NodeFileSystem.load, which TF.js in Node lacks without
 * tfjs-node): model.json's fields, then every file of every weightsManifest group concatenated
 * into weightData, and the groups' weights concatenated into weightSpecs.
 */
function readTfjsNodeDir(path: string): TfArtifacts {
  const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const files: Uint8Array[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) files.push(readFileSync(join(path, p)));
    weightSpecs.push(...group.weights);
  }
  const weightData = bytesOf(files.map((f) => new Uint8Array(f).buffer)); // copies: a Buffer may view a shared pool
  const out: TfArtifacts = { modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy, weightSpecs, weightData: weightData.buffer as ArrayBuffer };
  if (json.trainingConfig != null) out.trainingConfig = json.trainingConfig;
  if (json.userDefinedMetadata != null) out.userDefinedMetadata = json.userDefinedMetadata;
  return out;
}

function expectSameWeights(tfModel: tf.LayersModel, model: Sequential): void {
  const theirs = tfModel.getWeights().map((w) => Array.from(w.dataSync()));
  expect(theirs).toEqual(model.getWeights().map((w) => Array.from(w.data)));
}

// ---- sinew models ----------------------------------------------------------------------------

/** Every Dense activation TF.js reads, with initializers, regularizers and a bias-free layer. */
function denseZoo(kind: ModelBackend): Sequential {
  const m = new Sequential({ seed: 5, backend: backendFor(kind), name: 'dense_zoo' });
  m.add(new Dense(8, { inputDim: WIDTH, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: l2(1e-3) }));
  m.add(new Dense(8, { activation: 'sigmoid', kernelInitializer: randomNormal({ mean: 0, stddev: 0.3 }), biasRegularizer: l1(1e-4) }));
  m.add(new Dense(8, { activation: 'tanh', useBias: false, kernelRegularizer: l1l2({ l1: 1e-4, l2: 1e-4 }) }));
  m.add(new Dropout(0.3));
  m.add(new Dense(8, { activation: 'elu', kernelInitializer: 'heUniform' }));
  m.add(new Dense(8, { activation: 'silu', kernelInitializer: 'glorotNormal' }));
  m.add(new Dense(8)); // linear
  m.add(new Dense(3, { activation: 'softmax' }));
  return m;
}

/** Every activation as an Activation layer (leakyRelu becomes TF.js's LeakyReLU layer). */
function activationZoo(kind: ModelBackend): Sequential {
  const m = new Sequential({ seed: 6, backend: backendFor(kind), name: 'activation_zoo' });
  m.add(new Dense(8, { inputDim: WIDTH }));
  m.add(new Activation('relu'));
  m.add(new Dense(8));
  m.add(new Activation({ name: 'leakyRelu', alpha: 0.1 }));
  m.add(new Dense(8));
  m.add(new Activation('tanh'));
  m.add(new Dense(8));
  m.add(new Activation('elu'));
  m.add(new Dense(8));
  m.add(new Activation('silu'));
  m.add(new Dropout(0.2));
  m.add(new Dense(8, { kernelRegularizer: l1l2({ l1: 1e-4, l2: 1e-3 }) }));
  m.add(new Activation('sigmoid'));
  m.add(new Dense(3));
  m.add(new Activation('softmax'));
  return m;
}

/** A sigmoid output (binary cross-entropy) and a linear regression output (mean squared error). */
function binary(kind: ModelBackend): Sequential {
  const m = new Sequential({ seed: 7, backend: backendFor(kind), name: 'binary' });
  m.add(new Dense(8, { inputDim: WIDTH, activation: 'relu' }));
  m.add(new Dense(1));
  m.add(new Activation('sigmoid'));
  return m;
}
function regression(kind: ModelBackend): Sequential {
  const m = new Sequential({ seed: 8, backend: backendFor(kind), name: 'regression' });
  m.add(new Dense(8, { inputDim: WIDTH, activation: 'tanh' }));
  m.add(new Dense(2));
  return m;
}

const TARGETS: Record<string, number[][]> = {
  categoricalCrossentropy: DATA.oneHot,
  binaryCrossentropy: DATA.ids.map((c) => [c === 0 ? 1 : 0]),
  meanSquaredError: DATA.x.map((r) => [r[0] - r[1], 0.5 * r[2]]),
};

async function trained(model: Sequential, loss: string, optimizer: Optimizer = new Adam({ learningRate: 0.01 }), epochs = 3): Promise<Sequential> {
  model.compile({ optimizer, loss: loss as LossSpec, metrics: [] });
  await model.fit(DATA.x, TARGETS[loss], { epochs, batchSize: 16, verbose: 0 });
  return model;
}

const SINEW_MODELS: [string, (kind: ModelBackend) => Sequential, string][] = [
  ['Dense activations, initializers, regularizers, no bias, Dropout', denseZoo, 'categoricalCrossentropy'],
  ['Activation layers incl. LeakyReLU and softmax', activationZoo, 'categoricalCrossentropy'],
  ['sigmoid output', binary, 'binaryCrossentropy'],
  ['linear regression output', regression, 'meanSquaredError'],
];

// ---- 1. sinew → TF.js ------------------------------------------------------------------------

describe.each(MODEL_BACKENDS)('sinew → TF.js (%s)', (kind) => {
  it.each(SINEW_MODELS)('%s: tf.loadLayersModel gets the same weights and predictions', async (_name, build, loss) => {
    const model = await trained(build(kind), loss);
    const tfModel = await loadInTfjs(model.toArtifacts());
    expect(tfModel.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expectSameWeights(tfModel, model);
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, `TF.js predictions of sinew's ${_name}`);
    expect(tfModel.optimizer).toBeUndefined(); // includeOptimizer defaults to false, as in TF.js
    tfModel.dispose();
    model.dispose();
  });

  it('save(dir) → model.json + weights.bin, read as tfjs-node reads a directory → same predictions', async () => {
    const model = await trained(activationZoo(kind), 'categoricalCrossentropy');
    const path = join(tmp, `sinew-saved-${kind}`);
    await model.save(path);
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: model.toArtifacts().weightSpecs }]);
    const tfModel = await loadInTfjs(readTfjsNodeDir(path));
    expectSameWeights(tfModel, model);
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, 'TF.js predictions from the saved directory');
    tfModel.dispose();
    model.dispose();
  });
});

describe('sinew → TF.js: layer configs as TF.js reads them', () => {
  it('Dense: activations, initializers, regularizers, use_bias; Dropout rate', async () => {
    const model = denseZoo('js');
    const tfModel = await loadInTfjs(model.toArtifacts());
    const cfg = (i: number) => tfModel.layers[i].getConfig();
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense', 'Dropout', 'Dense', 'Dense', 'Dense', 'Dense']);
    expect(cfg(0)).toMatchObject({
      units: 8,
      activation: 'relu',
      useBias: true,
      batchInputShape: [null, WIDTH],
      kernelInitializer: { className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'normal', seed: null } },
      biasInitializer: { className: 'Zeros' },
      kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 1e-3 } },
      biasRegularizer: null,
    });
    expect(cfg(1)).toMatchObject({
      activation: 'sigmoid',
      kernelInitializer: { className: 'RandomNormal', config: { mean: 0, stddev: 0.3, seed: null } },
      kernelRegularizer: null,
      biasRegularizer: { className: 'L1L2', config: { l1: 1e-4, l2: 0 } },
    });
    expect(cfg(2)).toMatchObject({ activation: 'tanh', useBias: false, kernelRegularizer: { className: 'L1L2', config: { l1: 1e-4, l2: 1e-4 } } });
    expect(tfModel.layers[2].getWeights()).toHaveLength(1);
    expect(cfg(3)).toMatchObject({ rate: 0.3 });
    expect(cfg(4)).toMatchObject({ activation: 'elu', kernelInitializer: { className: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'uniform' } } });
    // silu is TF.js's swish; glorotNormal is VarianceScaling fan_avg 'normal' (truncated) in TF.js and Keras alike.
    expect(cfg(5)).toMatchObject({ activation: 'swish', kernelInitializer: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'normal' } } });
    expect(cfg(6)).toMatchObject({ activation: 'linear', kernelInitializer: { className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'uniform' } } });
    expect(cfg(7)).toMatchObject({ units: 3, activation: 'softmax' });
    tfModel.dispose();
    model.dispose();
  });

  it('Activation layers: leakyRelu is a LeakyReLU layer with its alpha, the others Activation by name', async () => {
    const model = activationZoo('js');
    const tfModel = await loadInTfjs(model.toArtifacts());
    const acts = tfModel.layers.filter((l) => l.getClassName() !== 'Dense' && l.getClassName() !== 'Dropout');
    expect(acts.map((l) => [l.getClassName(), l.getConfig().activation ?? l.getConfig().alpha])).toEqual([
      ['Activation', 'relu'],
      ['LeakyReLU', 0.1],
      ['Activation', 'tanh'],
      ['Activation', 'elu'],
      ['Activation', 'swish'],
      ['Activation', 'sigmoid'],
      ['Activation', 'softmax'],
    ]);
    tfModel.dispose();
    model.dispose();
  });
});

describe('sinew → TF.js: activations TF.js 4.22 cannot load', () => {
  it("gelu is written as 'gelu_new' (TF.js's tanh form, which sinew computes); TF.js 4.22's loader cannot read that name", async () => {
    const model = new Sequential({ seed: 9, backend: backendFor('js') });
    model.add(new Dense(8, { inputDim: WIDTH, activation: 'gelu' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    await trained(model, 'categoricalCrossentropy');
    const artifacts = model.toArtifacts();
    const layers = (artifacts.modelTopology.config as { layers: { config: { activation: string } }[] }).layers;
    expect(layers[0].config.activation).toBe('gelu_new');
    // tfjs-layers registers the class as 'gelu_new' but camel-cases every string of the topology first
    // ('geluNew'), so loadLayersModel refuses even a file TF.js wrote itself. A TF.js bug, not sinew's.
    await expect(loadInTfjs(artifacts)).rejects.toThrow(/Unknown activation: geluNew/);
    // The name means the same math: TF.js's gelu_new layer with sinew's weights predicts the same.
    const tfModel = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [WIDTH], activation: 'gelu_new' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    tfModel.setWeights(model.getWeights().map((w) => tf.tensor(w.data, w.shape)));
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, "TF.js gelu_new vs sinew's gelu");
    tfModel.dispose();
    model.dispose();
  });

  it('Dense leakyRelu and an ELU layer with alpha ≠ 1 make TF.js refuse the file (never a silently different model)', async () => {
    const leaky = new Sequential({ backend: backendFor('js') });
    leaky.add(new Dense(3, { inputDim: WIDTH, activation: 'leakyRelu' }));
    await expect(loadInTfjs(leaky.toArtifacts())).rejects.toThrow(/Unknown activation: leakyRelu/);
    const elu = new Sequential({ backend: backendFor('js') });
    elu.add(new Dense(3, { inputDim: WIDTH }));
    elu.add(new Activation({ name: 'elu', alpha: 0.5 }));
    await expect(loadInTfjs(elu.toArtifacts())).rejects.toThrow(/Non-default alpha value \(0.5\) is not supported/);
    leaky.dispose();
    elu.dispose();
  });

  // Known mismatch (reported): Dense elu with alpha ≠ 1 is written as activation 'elu' plus sinew's own
  // key sinew_activation_alpha, which TF.js ignores, so TF.js computes alpha 1. Flip to it() once fixed.
  it('Dense elu with alpha ≠ 1: TF.js refuses the file (sinew_elu) rather than predict with alpha 1; sinew reads it back', async () => {
    const model = new Sequential({ seed: 10, backend: backendFor('js') });
    model.add(new Dense(4, { inputDim: WIDTH, activation: { name: 'elu', alpha: 0.5 }, kernelInitializer: randomNormal({ stddev: 2 }) }));
    const artifacts = model.toArtifacts();
    await expect(loadInTfjs(artifacts)).rejects.toThrow(/sinew_?[eE]lu/);
    const back = fromArtifacts(artifacts, { backend: backendFor('js') });
    expect(back.predict(DATA.x).data).toEqual(model.predict(DATA.x).data);
    back.dispose();
    model.dispose();
  });
});

// ---- 2. sinew optimizer state → TF.js --------------------------------------------------------

describe.each(MODEL_BACKENDS)('sinew optimizer state → TF.js (%s)', (kind) => {
  it("Adam: TF.js loads a compiled model; its Adam has sinew's config, iterations and slots m, v", async () => {
    const model = await trained(denseZoo(kind), 'categoricalCrossentropy', new Adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }));
    const artifacts = model.toArtifacts({ includeOptimizer: true });
    const tfModel = await loadInTfjs(artifacts);
    expect(tfModel.optimizer.getClassName()).toBe('Adam');
    expect(tfModel.optimizer.getConfig()).toEqual({ learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
    expect(tfModel.loss).toBe('categoricalCrossentropy');
    const theirs = await tfModel.optimizer.getWeights();
    const ours = optimizerState(artifacts);
    expect(theirs.map((w) => w.name)).toEqual(ours.map((w) => w.name));
    expect(theirs[0].name).toBe('iter');
    expect(model.optimizer!.iterations).toBe(3 * 6);
    expect(Array.from(theirs[0].tensor.dataSync())).toEqual([model.optimizer!.iterations]);
    // iter, then m for every weight, then v for every weight: the slots cover every parameter twice.
    const slotValues = ours.slice(1).reduce((s, w) => s + w.values.length, 0);
    expect(slotValues).toBe(2 * model.countParams());
    theirs.slice(1).forEach((w, i) => expect(Array.from(w.tensor.dataSync()), w.name).toEqual(Array.from(ours[i + 1].values)));
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, 'TF.js predictions (compiled)');
    tfModel.dispose();
    model.dispose();
  });

  it.each([
    ['Adagrad', () => new Adagrad({ learningRate: 0.05, initialAccumulatorValue: 0.2 }), { learningRate: 0.05, initialAccumulatorValue: 0.2 }],
    ['SGD', () => new SGD({ learningRate: 0.05 }), { learningRate: 0.05 }],
  ] as const)('%s: TF.js loads it compiled with the same config, iterations and slots', async (name, make, config) => {
    const model = await trained(binary(kind), 'binaryCrossentropy', make());
    const artifacts = model.toArtifacts({ includeOptimizer: true });
    const tfModel = await loadInTfjs(artifacts);
    expect(tfModel.optimizer.getClassName()).toBe(name);
    expect(tfModel.optimizer.getConfig()).toEqual(config);
    expect(tfModel.loss).toBe('binaryCrossentropy');
    const theirs = await tfModel.optimizer.getWeights();
    const ours = optimizerState(artifacts);
    expect(theirs.map((w) => w.name)).toEqual(ours.map((w) => w.name));
    expect(Array.from(theirs[0].tensor.dataSync())).toEqual([model.optimizer!.iterations]);
    theirs.slice(1).forEach((w, i) => expect(Array.from(w.tensor.dataSync()), w.name).toEqual(Array.from(ours[i + 1].values)));
    tfModel.dispose();
    model.dispose();
  });

  it.each([
    ['SGD with momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9 })],
    ['RMSprop', () => new RMSprop({ learningRate: 0.01 })],
  ] as const)('%s: no TF.js trainingConfig (its state means something else there); TF.js loads the model uncompiled', async (_name, make) => {
    const model = await trained(binary(kind), 'binaryCrossentropy', make());
    const artifacts = model.toArtifacts({ includeOptimizer: true });
    expect(artifacts.trainingConfig).toBeUndefined();
    expect(optimizerState(artifacts).length).toBeGreaterThan(1); // sinew's own state is still in the file
    const tfModel = await loadInTfjs(artifacts);
    expect(tfModel.optimizer).toBeUndefined();
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, 'TF.js predictions (uncompiled)');
    tfModel.dispose();
    model.dispose();
  });
});

// ---- 3. TF.js → sinew ------------------------------------------------------------------------

/** A TF.js model with every layer and activation sinew reads. */
function tfjsZoo(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, inputShape: [WIDTH], activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 8, activation: 'tanh', useBias: false, biasRegularizer: tf.regularizers.l1({ l1: 1e-4 }) }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.dense({ units: 8, activation: 'swish' }),
      tf.layers.dense({ units: 8, activation: 'elu' }),
      tf.layers.activation({ activation: 'sigmoid' }),
      tf.layers.dense({ units: 8, activation: 'linear' }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 8 }),
      tf.layers.elu(),
      tf.layers.dense({ units: 3 }),
      tf.layers.softmax(),
    ],
  });
}

async function trainTfjs(model: tf.LayersModel, optimizer: tf.Optimizer, epochs = 3): Promise<void> {
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(DATA.x);
  const ys = tf.tensor2d(DATA.oneHot);
  await model.fit(xs, ys, { epochs, batchSize: 16, verbose: 0 });
  xs.dispose();
  ys.dispose();
}

describe('TF.js → sinew', () => {
  let tfModel: tf.Sequential;
  let artifacts: TfArtifacts;
  let dir: string;
  beforeAll(async () => {
    tfModel = tfjsZoo();
    await trainTfjs(tfModel, tf.train.adam(0.01));
    artifacts = await tfjsArtifacts(tfModel);
    dir = join(tmp, 'tfjs-node-layout');
    writeTfjsNodeDir(dir, artifacts);
  });
  afterAll(() => tfModel.dispose());

  it('reads the layers: Dense options, LeakyReLU alpha, ReLU/ELU/Softmax layers as their own classes (activation layers)', () => {
    const model = fromArtifacts(artifacts as ModelArtifacts, { backend: backendFor('js') });
    expect(model.name).toBe(tfModel.name);
    expect(model.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'LeakyReLU', 'Dense', 'Dense', 'Activation', 'Dense', 'ReLU', 'Dense', 'ELU', 'Dense', 'Softmax']);
    for (const i of [3, 6, 8, 10, 12]) expect(model.layers[i]).toBeInstanceOf(Activation);
    expect(model.layers[0].getConfig()).toMatchObject({ activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: { l1: 0, l2: 1e-3 } });
    expect(model.layers[2].getConfig()).toMatchObject({ activation: 'tanh', useBias: false, biasRegularizer: { l1: 1e-4, l2: 0 } });
    expect(model.layers[3].getConfig()).toMatchObject({ activation: 'leakyRelu' });
    expect((model.layers[3] as Activation).activation.alpha).toBe(0.1);
    expect(model.layers[4].getConfig()).toMatchObject({ activation: 'silu' });
    // TF.js's Dense default kernel initializer is glorotNormal (Keras's is glorotUniform).
    expect(model.layers[5].getConfig()).toMatchObject({ activation: 'elu', kernelInitializer: 'glorotNormal' });
    expect(model.layers.slice(6).filter((l) => l instanceof Activation).map((l) => l.getConfig().activation)).toEqual(['sigmoid', 'relu', 'elu', 'softmax']);
    expect(model.optimizer).toBeUndefined();
    model.dispose();
  });

  it.each(MODEL_BACKENDS)('fromArtifacts (in memory, tf.io.withSaveHandler) and loadModel(dir) predict as TF.js does (%s)', async (kind) => {
    const expected = tfPredict(tfModel);
    const weights = tfModel.getWeights().map((w) => Array.from(w.dataSync()));
    for (const model of [
      fromArtifacts(artifacts as ModelArtifacts, { backend: backendFor(kind) }),
      await loadModel(dir, { backend: backendFor(kind) }),
      await loadModel(join(dir, 'model.json'), { backend: backendFor(kind) }),
    ]) {
      expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(weights);
      expectAllClose(sinewPredict(model), expected, INTEROP, 'sinew predictions of the TF.js model');
      model.dispose();
    }
  });
});

/** sinew's state for the loaded model, as sinew itself saves it: 'iter', then '<weight>/<slot>'. */
function sinewState(model: Sequential): Decoded[] {
  return optimizerState(model.toArtifacts({ includeOptimizer: true }));
}

interface TfjsOptimizerCase {
  make: () => tf.Optimizer;
  sinewClass: new (...args: never[]) => Optimizer;
  config: Record<string, number | boolean>;
  /** TF.js slot suffix → sinew slot suffix and how the value converts; TF.js slots not listed carry nothing for sinew. */
  slots: Record<string, { as: string; convert?: (a: number) => number }>;
}

const TFJS_OPTIMIZERS: [string, TfjsOptimizerCase][] = [
  ['Adam', { make: () => tf.train.adam(0.02, 0.8, 0.99, 1e-6), sinewClass: Adam, config: { learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }, slots: { m: { as: 'm' }, v: { as: 'v' } } }],
  // TF.js keeps a ← βa + g and steps w ← w − lr·a; sinew (Keras) keeps m ← βm − lr·g and steps w ← w + m: m = −lr·a.
  [
    'Momentum',
    {
      make: () => tf.train.momentum(0.05, 0.9),
      sinewClass: SGD,
      config: { learningRate: 0.05, momentum: 0.9, nesterov: false },
      slots: { momentum: { as: 'momentum', convert: (a) => Math.fround(-0.05 * a) } },
    },
  ],
  ['Adagrad', { make: () => tf.train.adagrad(0.05, 0.2), sinewClass: Adagrad, config: { learningRate: 0.05, initialAccumulatorValue: 0.2 }, slots: { accumulator: { as: 'accumulator' } } }],
  ['SGD', { make: () => tf.train.sgd(0.05), sinewClass: SGD, config: { learningRate: 0.05, momentum: 0 }, slots: {} }],
  // TF.js's RMSProp keeps a momentum slot even at momentum 0 (it then holds the last step); sinew has only rms.
  ['RMSProp (momentum 0)', { make: () => tf.train.rmsprop(0.01, 0.8, 0, 1e-6), sinewClass: RMSprop, config: { learningRate: 0.01, rho: 0.8, momentum: 0, epsilon: 1e-6 }, slots: { rms: { as: 'rms' } } }],
];

/** Checks a loaded sinew model's slots against TF.js's optimizer weights, matched by position as TF.js does. */
function expectSlotsMatch(theirs: { name: string; tensor: tf.Tensor }[], ours: Decoded[], slots: TfjsOptimizerCase['slots']): void {
  const kept = theirs.slice(1).filter((w) => slots[w.name.slice(w.name.lastIndexOf('/') + 1)] !== undefined);
  expect(ours.slice(1).map((w) => w.name.slice(w.name.lastIndexOf('/') + 1))).toEqual(kept.map((w) => slots[w.name.slice(w.name.lastIndexOf('/') + 1)].as));
  kept.forEach((w, i) => {
    const rule = slots[w.name.slice(w.name.lastIndexOf('/') + 1)];
    const values = Array.from(w.tensor.dataSync() as Float32Array);
    expect(Array.from(ours[i + 1].values), w.name).toEqual(rule.convert ? values.map(rule.convert) : values);
  });
}

describe('TF.js optimizer state → sinew', () => {
  it.each(TFJS_OPTIMIZERS)('%s', async (_name, c) => {
    const tfModel = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [WIDTH], activation: 'relu' }), tf.layers.dense({ units: 8, activation: 'tanh', useBias: false }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    await trainTfjs(tfModel, c.make(), 2);
    const artifacts = await tfjsArtifacts(tfModel, true);
    const theirs = await tfModel.optimizer.getWeights();
    expect(Array.from(theirs[0].tensor.dataSync())).toEqual([2 * 6]);
    const tfEvaluation = tf.tidy(() => (tfModel.evaluate(tf.tensor2d(DATA.x), tf.tensor2d(DATA.oneHot)) as tf.Scalar[]).map((s) => s.dataSync()[0]));
    const path = join(tmp, `tfjs-optimizer-${_name.split(' ')[0]}`);
    writeTfjsNodeDir(path, artifacts);
    for (const kind of MODEL_BACKENDS) {
      for (const model of [fromArtifacts(artifacts as ModelArtifacts, { backend: backendFor(kind) }), await loadModel(path, { backend: backendFor(kind) })]) {
        expect(model.optimizer).toBeInstanceOf(c.sinewClass);
        expect(model.optimizer!.getConfig()).toMatchObject(c.config);
        expect(model.optimizer!.iterations).toBe(2 * 6);
        const ours = sinewState(model);
        expect(ours[0]).toMatchObject({ name: 'iter', values: new Int32Array([2 * 6]) });
        expectSlotsMatch(theirs, ours, c.slots);
        expectAllClose(sinewPredict(model), tfPredict(tfModel), INTEROP, 'sinew predictions of the TF.js model');
        // The same loss and metric: evaluate agrees with TF.js's (a mean over 96 rows of O(1) terms).
        const ev = model.evaluate(DATA.x, DATA.oneHot);
        expectAllClose([ev.loss, ev.accuracy], tfEvaluation, INTEROP, 'sinew evaluate vs TF.js evaluate');
        model.dispose();
      }
    }
    tfModel.dispose();
  });

  it("optimizer weights named after TF.js's de-duplicated variables ('shared/kernel_1/m') find their weights", async () => {
    const make = () =>
      tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [WIDTH], activation: 'relu', name: 'shared' }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'shared_out' })] });
    const first = make(); // takes the variable names shared/kernel, shared/bias, …
    const second = make(); // so TF.js names these shared/kernel_1, … (its weights still save as shared/kernel)
    await trainTfjs(second, tf.train.adam(0.01), 1);
    const artifacts = await tfjsArtifacts(second, true);
    const names = artifacts.weightSpecs!.map((s) => s.name);
    expect(names).toContain('shared/kernel');
    expect(names).toContain('shared/kernel_1/m');
    const model = fromArtifacts(artifacts as ModelArtifacts, { backend: backendFor('js') });
    expect(model.optimizer!.iterations).toBe(6);
    expectSlotsMatch(await second.optimizer.getWeights(), sinewState(model), { m: { as: 'm' }, v: { as: 'v' } });
    model.dispose();
    first.dispose();
    second.dispose();
  });

  it.each(MODEL_BACKENDS)('sinew Adam → TF.js → sinew keeps weights, iterations and slots bit for bit (%s)', async (kind) => {
    const model = await trained(activationZoo(kind), 'categoricalCrossentropy', new Adam({ learningRate: 0.01 }), 2);
    const first = model.toArtifacts({ includeOptimizer: true });
    const tfModel = await loadInTfjs(first);
    const back = fromArtifacts((await tfjsArtifacts(tfModel, true)) as ModelArtifacts, { backend: backendFor(kind) });
    expect(back.getWeights()).toEqual(model.getWeights());
    expect(back.optimizer).toBeInstanceOf(Adam);
    expect(back.optimizer!.getConfig()).toEqual(model.optimizer!.getConfig());
    expect(back.optimizer!.iterations).toBe(model.optimizer!.iterations);
    expect(sinewState(back)).toEqual(optimizerState(first));
    expect(sinewPredict(back)).toEqual(sinewPredict(model));
    tfModel.dispose();
    back.dispose();
    model.dispose();
  });

  // Known mismatch (reported): TF.js carries userDefinedMetadata (sinew's compile record) through
  // load and save unchanged, and sinew prefers that record to the file's trainingConfig, so state
  // TF.js wrote for another optimizer config is read under sinew's old one. Flip to it() once fixed.
  it('a file TF.js re-compiled and saved is read with TF.js\'s optimizer config, not the stale sinew record', async () => {
    const model = await trained(binary('js'), 'binaryCrossentropy', new Adam({ learningRate: 0.01 }), 1);
    const tfModel = await loadInTfjs(model.toArtifacts({ includeOptimizer: true }));
    tfModel.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
    const xs = tf.tensor2d(DATA.x);
    const ys = tf.tensor2d(TARGETS.binaryCrossentropy);
    await tfModel.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
    tf.dispose([xs, ys]);
    const back = fromArtifacts((await tfjsArtifacts(tfModel, true)) as ModelArtifacts, { backend: backendFor('js') });
    try {
      expect(back.optimizer!.getConfig()).toMatchObject({ learningRate: 0.001 });
    } finally {
      back.dispose();
      tfModel.dispose();
      model.dispose();
    }
  });
});

// ---- 4. Keras via tensorflowjs_converter -----------------------------------------------------
//
// Fixtures in the converter's layout, built from a TF.js-trained model's weights so the expected
// predictions come from TF.js. What they are based on (tensorflow/tfjs, tfjs-converter/python/
// tensorflowjs/converters/keras_h5_conversion.py, and keras-team/keras keras/src):
// - Keras 2 `.h5` (h5_merged_saved_model_to_tfjs_format): modelTopology = { keras_version, backend,
//   model_config: the h5 file's model_config, training_config }; weight names from each layer group's
//   weight_names attribute with ':0' removed ('dense/kernel'), layer groups in h5 (alphabetical) order;
//   write_artifacts adds format 'layers-model', generatedBy 'keras v…', convertedBy 'TensorFlow.js
//   Converter v…', and write_weights names the shard files group1-shard1of1.bin (groupNshardMofK).
// - Keras 3 `.h5` (the same function; legacy_h5_format stores weight names as variable paths,
//   'sequential/dense/kernel'): InputLayer config { batch_shape, dtype, sparse, ragged, name, optional }
//   (InputLayer.get_config), Layer.get_config's dtype as a serialized DTypePolicy object, nested objects
//   with module/registered_name (serialization_lib), Sequential config with build_input_shape.
// - Keras 3 `.keras` (h5_v3_merged_saved_model_to_tfjs_format): modelTopology = { keras_version,
//   model_config: config.json } with every 'module', 'registered_name', 'date_saved' key removed (but
//   build_config and compile_config kept); no backend, no training_config; weight names are the paths
//   of model.weights.h5, 'layers/<layer>/vars/<index>' (Dense: 0 kernel, 1 bias; Dense.save_own_variables).
// Dropout is left out of the Keras 3 fixtures: Keras 3 keeps a seed-generator state per Dropout that
// the converter's handling of was not confirmed. Dropout is the identity at inference, so the same
// TF.js model gives the expected predictions with or without it.

interface KerasLayerSpec {
  kind: 'Dense' | 'Dropout' | 'LeakyReLU' | 'Softmax';
  name: string;
  units?: number;
  useBias?: boolean;
  /** TF.js's activation name; Keras 3 writes 'silu' where Keras 2 wrote 'swish'. */
  activation?: 'relu' | 'tanh' | 'swish' | 'linear' | 'sigmoid';
  rate?: number;
  alpha?: number;
}

// Names chosen so that the h5 (alphabetical) order of the weights differs from the layer order.
const KERAS_LAYERS: KerasLayerSpec[] = [
  { kind: 'Dense', name: 'input_proj', units: 8, activation: 'relu', useBias: true },
  { kind: 'Dropout', name: 'dropout', rate: 0.25 },
  { kind: 'Dense', name: 'hidden', units: 8, activation: 'tanh', useBias: false },
  { kind: 'LeakyReLU', name: 'leaky_re_lu', alpha: 0.1 },
  { kind: 'Dense', name: 'dense', units: 8, activation: 'swish', useBias: true },
  { kind: 'Dense', name: 'sigmoid_head', units: 8, activation: 'sigmoid', useBias: true },
  { kind: 'Dense', name: 'classifier', units: 3, activation: 'linear', useBias: true },
  { kind: 'Softmax', name: 'softmax' },
];

function kerasTfjsModel(): tf.Sequential {
  return tf.sequential({
    layers: KERAS_LAYERS.map((l, i) => {
      const head = i === 0 ? { inputShape: [WIDTH] } : {};
      if (l.kind === 'Dense') return tf.layers.dense({ ...head, units: l.units!, activation: l.activation, useBias: l.useBias });
      if (l.kind === 'Dropout') return tf.layers.dropout({ ...head, rate: l.rate! });
      if (l.kind === 'LeakyReLU') return tf.layers.leakyReLU({ ...head, alpha: l.alpha });
      return tf.layers.softmax(head);
    }),
  });
}

type Flavour = 'keras2-h5' | 'keras3-h5' | 'keras3-keras';
const FLAVOURS: Flavour[] = ['keras2-h5', 'keras3-h5', 'keras3-keras'];
const KERAS_VERSION: Record<Flavour, string> = { 'keras2-h5': '2.15.0', 'keras3-h5': '3.3.3', 'keras3-keras': '3.3.3' };

/** Keras 3 serialization_lib's nested object; the .keras route's converter strips module/registered_name. */
function nested(flavour: Flavour, module: string, className: string, config: Record<string, unknown>): Record<string, unknown> {
  if (flavour === 'keras2-h5') return { class_name: className, config };
  if (flavour === 'keras3-keras') return { class_name: className, config };
  return { module, class_name: className, config, registered_name: null };
}

function kerasLayerConfig(flavour: Flavour, l: KerasLayerSpec, inDim: number): Record<string, unknown> {
  const dtype = flavour === 'keras2-h5' ? 'float32' : nested(flavour, 'keras', 'DTypePolicy', { name: 'float32' });
  const base = { name: l.name, trainable: true, dtype };
  let entry: Record<string, unknown>;
  switch (l.kind) {
    case 'Dense': {
      const activation = l.activation === 'swish' && flavour !== 'keras2-h5' ? 'silu' : l.activation;
      const config: Record<string, unknown> = {
        ...base,
        units: l.units,
        activation,
        use_bias: l.useBias,
        kernel_initializer: nested(flavour, 'keras.initializers', 'GlorotUniform', { seed: null }),
        bias_initializer: nested(flavour, 'keras.initializers', 'Zeros', {}),
        kernel_regularizer: null,
        bias_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      };
      if (flavour === 'keras2-h5') config.activity_regularizer = null;
      entry = { class_name: 'Dense', config };
      break;
    }
    case 'Dropout':
      entry = { class_name: 'Dropout', config: { ...base, rate: l.rate, noise_shape: null, seed: null } };
      break;
    case 'LeakyReLU': // Keras 3 renamed the slope negative_slope
      entry = { class_name: 'LeakyReLU', config: { ...base, ...(flavour === 'keras2-h5' ? { alpha: l.alpha } : { negative_slope: l.alpha }) } };
      break;
    case 'Softmax':
      entry = { class_name: 'Softmax', config: { ...base, axis: -1 } };
      break;
  }
  // .keras config.json entries also carry the shape each layer was built with (kept by the converter).
  if (flavour === 'keras3-keras') entry.build_config = { input_shape: [null, inDim] };
  return entry;
}

/** model.json and weight bytes as tensorflowjs_converter writes them for a Keras Sequential. */
function converterFiles(flavour: Flavour, tfModel: tf.LayersModel): { json: Record<string, unknown>; bytes: Uint8Array } {
  const layers = KERAS_LAYERS.filter((l) => flavour === 'keras2-h5' || l.kind !== 'Dropout');
  const version = KERAS_VERSION[flavour];
  const input =
    flavour === 'keras2-h5'
      ? { class_name: 'InputLayer', config: { batch_input_shape: [null, WIDTH], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } }
      : { class_name: 'InputLayer', config: { batch_shape: [null, WIDTH], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false } };
  let width = WIDTH;
  const layerConfigs = layers.map((l) => {
    const c = kerasLayerConfig(flavour, l, width);
    if (l.kind === 'Dense') width = l.units!;
    return c;
  });
  const modelConfig: Record<string, unknown> = {
    class_name: 'Sequential',
    config:
      flavour === 'keras2-h5'
        ? { name: 'sequential', layers: [input, ...layerConfigs] }
        : { name: 'sequential', trainable: true, dtype: nested(flavour, 'keras', 'DTypePolicy', { name: 'float32' }), layers: [input, ...layerConfigs], build_input_shape: [null, WIDTH] },
  };
  let topology: Record<string, unknown>;
  if (flavour === 'keras3-keras') {
    modelConfig.build_config = { input_shape: [null, WIDTH] };
    modelConfig.compile_config = {
      optimizer: { class_name: 'Adam', config: { name: 'adam', learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
      loss: 'categorical_crossentropy',
      loss_weights: null,
      metrics: ['accuracy'],
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    };
    topology = { keras_version: version, model_config: modelConfig };
  } else {
    // The h5 file's training_config, which the converter keeps inside modelTopology. TF.js reads only a
    // top-level trainingConfig, so TF.js (and sinew) load such a model uncompiled.
    const trainingConfig = {
      loss: 'categorical_crossentropy',
      metrics: [[{ class_name: 'MeanMetricWrapper', config: { name: 'accuracy', dtype: 'float32', fn: 'categorical_accuracy' } }]],
      weighted_metrics: null,
      loss_weights: null,
      optimizer_config: { class_name: 'Custom>Adam', config: { name: 'Adam', learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
    };
    topology = { keras_version: version, backend: 'tensorflow', model_config: modelConfig, training_config: trainingConfig };
  }

  // Weights: per layer kernel then bias, layers in alphabetical (h5 group) order.
  const tfLayers = new Map(KERAS_LAYERS.map((l, i) => [l.name, tfModel.layers[i]]));
  const named: { name: string; values: Float32Array; shape: number[] }[] = [];
  for (const l of [...layers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    tfLayers
      .get(l.name)!
      .getWeights()
      .forEach((w, i) => {
        const param = i === 0 ? 'kernel' : 'bias';
        const name = flavour === 'keras2-h5' ? `${l.name}/${param}` : flavour === 'keras3-h5' ? `sequential/${l.name}/${param}` : `layers/${l.name}/vars/${i}`;
        named.push({ name, values: w.dataSync() as Float32Array, shape: w.shape });
      });
  }
  const bytes = new Uint8Array(named.reduce((s, w) => s + w.values.byteLength, 0));
  let at = 0;
  for (const w of named) {
    bytes.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), at);
    at += w.values.byteLength;
  }
  const json = {
    format: 'layers-model',
    generatedBy: `keras v${version}`,
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: topology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: named.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  return { json, bytes };
}

function writeConverterDir(path: string, json: Record<string, unknown>, shards: Uint8Array[]): void {
  mkdirSync(path, { recursive: true });
  const manifest = json.weightsManifest as { paths: string[]; weights: unknown[] }[];
  const paths = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  writeFileSync(join(path, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...manifest[0], paths }] }));
  shards.forEach((s, i) => writeFileSync(join(path, paths[i]), s));
}

describe('Keras via tensorflowjs_converter → sinew', () => {
  let tfModel: tf.Sequential;
  let expected: Float32Array;
  beforeAll(async () => {
    tfModel = kerasTfjsModel();
    await trainTfjs(tfModel, tf.train.adam(0.01));
    expected = tfPredict(tfModel);
  });
  afterAll(() => tfModel.dispose());

  it('the Keras 2 fixture is one TF.js itself reads, with the same predictions (a check of the fixture)', async () => {
    const { json, bytes } = converterFiles('keras2-h5', tfModel);
    const path = join(tmp, 'keras2-fixture-check');
    writeConverterDir(path, json, [bytes]);
    const loaded = await loadInTfjs(readTfjsNodeDir(path));
    expect(loaded.optimizer).toBeUndefined();
    expectAllClose(tfPredict(loaded), expected, { atol: 0, rtol: 0 }, 'TF.js predictions of the Keras 2 fixture');
    loaded.dispose();
  });

  describe.each(FLAVOURS)('%s', (flavour) => {
    it.each(MODEL_BACKENDS)('loadModel(dir with group1-shard1of1.bin) and fromArtifacts predict as TF.js does (%s)', async (kind) => {
      const { json, bytes } = converterFiles(flavour, tfModel);
      const path = join(tmp, `${flavour}-${kind}`);
      writeConverterDir(path, json, [bytes]);
      const names = KERAS_LAYERS.filter((l) => flavour === 'keras2-h5' || l.kind !== 'Dropout').map((l) => l.name);
      for (const model of [await loadModel(path, { backend: backendFor(kind) }), fromArtifacts(readTfjsNodeDir(path) as ModelArtifacts, { backend: backendFor(kind) })]) {
        expect(model.name).toBe('sequential');
        expect(model.layers.map((l) => l.name)).toEqual(names); // the InputLayer only gives the input width
        expect(model.inputDim).toBe(WIDTH);
        expect(model.optimizer).toBeUndefined();
        expectAllClose(sinewPredict(model), expected, INTEROP, `sinew predictions of the ${flavour} fixture`);
        model.dispose();
      }
    });
  });

  it('weights split over several shard files (cut mid-tensor, as write_weights does) load the same', async () => {
    const { json, bytes } = converterFiles('keras2-h5', tfModel);
    const path = join(tmp, 'keras2-two-shards');
    writeConverterDir(path, json, [bytes.slice(0, 101), bytes.slice(101)]);
    const model = await loadModel(path, { backend: backendFor('js') });
    expectAllClose(sinewPredict(model), expected, INTEROP, 'sinew predictions, two shards');
    model.dispose();
  });
});

// ---- 5. TF.js IOHandlers as sinew's save targets and load sources ----------------------------------

describe('TF.js handlers work with sinew directly', () => {
  it('model.save(tf.io.withSaveHandler(…)) hands TF.js the artifacts, and loadModel(tf.io.fromMemory(…)) reads them back', async () => {
    const model = new Sequential({ seed: 31, backend: backendFor('js') });
    model.add(new Dense(5, { inputDim: WIDTH, activation: 'tanh' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    let received: TfArtifacts | undefined;
    const result = await model.save(
      tf.io.withSaveHandler(async (a) => {
        received = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: 42 } };
      }),
    );
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(42); // the handler's own result is passed through
    expect(received!.format).toBe('layers-model');
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(received!));
    expectAllClose(tfPredict(tfModel), sinewPredict(model), INTEROP, 'TF.js after sinew saved through a TF.js handler');
    const back = await loadModel(tf.io.fromMemory(received!), { backend: backendFor('js') });
    expect(sinewPredict(back)).toEqual(sinewPredict(model));
    tfModel.dispose();
    back.dispose();
    model.dispose();
  });
});
