// Saving and loading in memory on both backends: predictions after fromArtifacts equal before, bit for
// bit; the topology, names, options and compile settings come back; optimizer state and the training
// stream survive so that fit resumes exactly (2 + 2 epochs across a save = 4 epochs straight).

import { beforeAll, describe, expect, it } from 'vitest';
import { Activation, Adagrad, Adam, Dense, Dropout, fromArtifacts, l1l2, RMSprop, Sequential, SGD, type Optimizer } from '../../src/index.js';
import { backendFor, blobs, initWasm, MODEL_BACKENDS, randomRows } from '../helpers/models.js';

beforeAll(initWasm);

function buildModel(kind: 'wasm' | 'js', seed = 3): Sequential {
  const model = new Sequential({ seed, backend: backendFor(kind), name: 'round_trip' });
  model.add(new Dense(16, { inputDim: 6, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: l1l2({ l1: 1e-4, l2: 1e-3 }) }));
  model.add(new Dropout(0.25));
  model.add(new Dense(8, { activation: { name: 'leakyRelu', alpha: 0.05 } }));
  model.add(new Dense(3));
  model.add(new Activation('softmax'));
  return model;
}

const data = blobs(96, 6, 3, 11);

describe.each(MODEL_BACKENDS)('round trip in memory (%s)', (kind) => {
  it('predictions after load equal those before, bit for bit', async () => {
    const model = buildModel(kind);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.oneHot, { epochs: 3, batchSize: 16, verbose: 0 });
    const x = randomRows(20, 6, 5);
    const before = model.predict(x).data;
    const loaded = fromArtifacts(model.toArtifacts(), { backend: backendFor(kind) });
    expect(loaded.predict(x).data).toEqual(before);
    expect(loaded.getWeights()).toEqual(model.getWeights());
    expect(loaded.name).toBe('round_trip');
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(loaded.optimizer).toBeUndefined(); // includeOptimizer defaults to false, as in TF.js
  });
});

const OPTIMIZERS: [string, () => Optimizer][] = [
  ['Adam', () => new Adam({ learningRate: 0.01, clipNorm: 1 })],
  ['SGD with Nesterov momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
  ['RMSprop with momentum', () => new RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ['Adagrad', () => new Adagrad({ learningRate: 0.05 })],
];

describe.each(MODEL_BACKENDS)('exact resume (%s)', (kind) => {
  it.each(OPTIMIZERS)('%s: 2 epochs, save, load, 2 epochs = 4 epochs straight, bit for bit', async (_name, make) => {
    const fit = { batchSize: 16, verbose: 0 as const };
    const straight = buildModel(kind);
    straight.compile({ optimizer: make(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const h4 = await straight.fit(data.x, data.oneHot, { ...fit, epochs: 4 });

    const first = buildModel(kind);
    first.compile({ optimizer: make(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await first.fit(data.x, data.oneHot, { ...fit, epochs: 2 });
    const resumed = fromArtifacts(first.toArtifacts({ includeOptimizer: true }), { backend: backendFor(kind) });
    first.dispose();
    expect(resumed.optimizer!.getConfig()).toEqual(straight.optimizer!.getConfig());
    expect(resumed.optimizer!.iterations).toBe(2 * 6);
    const h2 = await resumed.fit(data.x, data.oneHot, { ...fit, epochs: 2 });

    expect(resumed.getWeights()).toEqual(straight.getWeights());
    expect(resumed.optimizer!.iterations).toBe(straight.optimizer!.iterations);
    expect(h2.history.loss).toEqual(h4.history.loss.slice(2));
    expect(h2.history.accuracy).toEqual(h4.history.accuracy.slice(2));
  });
});

describe('the training stream', () => {
  it('continues across fit calls: fit 2 + fit 2 epochs = fit 4 epochs, with dropout and shuffling', async () => {
    const a = buildModel('wasm');
    const b = buildModel('wasm');
    for (const m of [a, b]) m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await a.fit(data.x, data.oneHot, { epochs: 4, batchSize: 16, verbose: 0 });
    await b.fit(data.x, data.oneHot, { epochs: 2, batchSize: 16, verbose: 0 });
    await b.fit(data.x, data.oneHot, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(b.getWeights()).toEqual(a.getWeights());
  });

  it('an explicit fit seed restarts its own stream: the same seed twice gives the same epochs', async () => {
    const a = buildModel('wasm');
    const b = buildModel('wasm');
    for (const m of [a, b]) m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await a.fit(data.x, data.oneHot, { epochs: 1, batchSize: 16, verbose: 0, seed: 9 });
    await b.fit(data.x, data.oneHot, { epochs: 1, batchSize: 16, verbose: 0, seed: 9 });
    expect(b.getWeights()).toEqual(a.getWeights());
  });
});

describe('saving errors', () => {
  it('refuses to save a model whose input width is unknown, or includeOptimizer on an uncompiled model', () => {
    const m = new Sequential({ layers: [new Dense(2)] });
    expect(() => m.toArtifacts()).toThrow('toArtifacts: the weights are not built yet because the input width is unknown');
    const built = new Sequential({ layers: [new Dense(2, { inputDim: 3 })] });
    expect(() => built.toArtifacts({ includeOptimizer: true })).toThrow('toArtifacts: `includeOptimizer: true` needs a compiled model');
    expect(() => built.toArtifacts({ includeOptimiser: true } as never)).toThrow("toArtifacts: unknown option `includeOptimiser`; did you mean `includeOptimizer`?");
  });

  it('rejects a save target that is neither a path, a function nor a handler', async () => {
    const m = new Sequential({ layers: [new Dense(2, { inputDim: 3 })] });
    await expect(m.save(42 as never)).rejects.toThrow('save: expected `target` to be a directory path, a function (artifacts) => …, or an object with save(artifacts), received 42');
  });
});
