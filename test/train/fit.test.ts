// fit's behaviour: batching (the last partial batch is trained), validation split from the end,
// callbacks order and stopTraining, EarlyStopping, the NaN stop, History shape, and optimizer state
// across fit calls.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, SGD, Adam, EarlyStopping, type Callback } from '../../src/index.js';
import { defaultVerbose } from '../../src/train/progress.js';
import { backendFor, blobs, initWasm, randomRows, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

function classifier(backend: 'wasm' | 'js', seed = 1): Sequential {
  const model = new Sequential({ seed, backend: backendFor(backend) });
  model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
  model.add(new Dense(3, { activation: 'softmax' }));
  return model;
}

describe.each(MODEL_BACKENDS)('fit on %s', (backend) => {
  it('trains the last partial batch: 10 rows with batchSize 4 take 3 steps per epoch', async () => {
    const model = classifier(backend);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const { x, oneHot } = blobs(10, 4, 3, 1);
    const sizes: number[] = [];
    const history = await model.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [{ onBatchEnd: (_b, logs) => void sizes.push(logs.size) }] });
    expect(sizes).toEqual([4, 4, 2, 4, 4, 2]);
    expect(model.optimizer!.iterations).toBe(6);
    expect(history.params.steps).toBe(3);
    // The optimizer's step counter (and Adam's slots) survive across fit calls, as in Keras.
    await model.fit(x, oneHot, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(model.optimizer!.iterations).toBe(9);
  });

  it('validationSplit takes the last rows before shuffling (Keras)', async () => {
    const model = classifier(backend);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { x, oneHot } = blobs(20, 4, 3, 2);
    const history = await model.fit(x, oneHot, { epochs: 1, validationSplit: 0.25, verbose: 0 });
    expect(history.params.samples).toBe(15);
    expect(history.params.validationSamples).toBe(5);
    // val_loss is the loss of the weights after the epoch on the last 5 rows, as evaluate computes it.
    const evaluated = model.evaluate(x.slice(15), oneHot.slice(15));
    expect(history.val_loss![0]).toBeCloseTo(evaluated.loss, 5);
    expect(history.val_accuracy![0]).toBeCloseTo(evaluated.accuracy, 6);
  });

  it('History has Keras names, per-epoch values, epochs and gradNorm per layer', async () => {
    const model = new Sequential({ seed: 2, backend: backendFor(backend) });
    model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
    model.add(new Dropout(0.1));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] });
    const { x, oneHot } = blobs(40, 4, 3, 3);
    const history = await model.fit(x, oneHot, { epochs: 3, validationData: [x.slice(0, 10), oneHot.slice(0, 10)], verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'mse', 'val_loss', 'val_accuracy', 'val_mse']);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(history.loss).toBe(history.history.loss);
    expect(history.loss).toHaveLength(3);
    expect(history.gradNorm.map((g) => g.length)).toEqual([3, 0, 3]);
    expect(history.gradNorm[0].every((v) => v > 0)).toBe(true);
  });

  it('callbacks run in Keras order, may be async, and stopTraining stops after the batch', async () => {
    const model = classifier(backend);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const { x, oneHot } = blobs(8, 4, 3, 4);
    const calls: string[] = [];
    const cb: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: async (e) => {
        await new Promise((r) => setTimeout(r, 1));
        calls.push(`epochBegin ${e}`);
      },
      onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
      onBatchEnd: (b) => void calls.push(`batchEnd ${b}`),
      onEpochEnd: (e, logs) => void calls.push(`epochEnd ${e} ${typeof logs.loss}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    await model.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb] });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 0 number',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 1 number',
      'trainEnd',
    ]);
    const stopper: Callback = { onBatchEnd: (b) => void (b === 0 && (model.stopTraining = true)) };
    const history = await model.fit(x, oneHot, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [stopper] });
    expect(history.epoch).toEqual([0]);
  });

  it('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = classifier(backend);
    // A learning rate far too high makes val_loss get worse after the first epochs.
    model.compile({ optimizer: new SGD({ learningRate: 20 }), loss: 'categoricalCrossentropy' });
    const { x, oneHot } = blobs(60, 4, 3, 5);
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    const snapshots: Float32Array[][] = [];
    const history = await model.fit(x, oneHot, {
      epochs: 30,
      batchSize: 60,
      verbose: 0,
      shuffle: false,
      callbacks: [stopper, { onEpochEnd: () => void snapshots.push(model.getWeights().map((w) => w.data)) }],
    });
    const losses = history.loss;
    const best = losses.indexOf(Math.min(...losses));
    expect(history.epoch.length).toBeLessThan(30);
    expect(history.epoch.length).toBe(best + 1 + 2); // stopped `patience` epochs after the best
    expect(stopper.bestEpoch).toBe(best);
    expect(model.getWeights().map((w) => w.data)).toEqual(snapshots[best]);
  });

  it('a NaN loss stops training with the epoch and batch, before the update, so weights stay finite', async () => {
    const model = new Sequential({ seed: 1, backend: backendFor(backend) });
    model.add(new Dense(4, { inputDim: 2 }));
    model.add(new Dense(1));
    model.compile({ optimizer: new SGD({ learningRate: 1e3 }), loss: 'mse' });
    const x = randomRows(16, 2, 1, -1e3, 1e3);
    const y = x.map((r) => [r[0] * 1e3]);
    await expect(model.fit(x, y, { epochs: 20, batchSize: 4, verbose: 0 })).rejects.toThrow(/^fit: the (loss|gradient) became (NaN|Infinity) at epoch \d+, batch \d+; training stopped before this update/);
    expect(model.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
  });

  it('class ids with the sparse loss train like one-hot rows with the categorical loss', async () => {
    const { x, ids, oneHot } = blobs(30, 4, 3, 7);
    const run = async (sparse: boolean) => {
      const model = classifier(backend, 5);
      model.compile({ optimizer: 'adam', loss: sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy', metrics: ['accuracy'] });
      const h = await model.fit({ data: Float32Array.from(x.flat()), shape: [30, 4] }, sparse ? ids : oneHot, { epochs: 3, batchSize: 8, verbose: 0 });
      return { h: h.history, w: model.getWeights() };
    };
    const a = await run(true);
    const b = await run(false);
    a.h.loss.forEach((v, i) => expect(v).toBeCloseTo(b.h.loss[i], 6));
    expect(a.h.accuracy).toEqual(b.h.accuracy);
    a.w.forEach((t, i) => t.data.forEach((v, j) => expect(v).toBeCloseTo(b.w[i].data[j], 6)));
  });

  it('fit builds a model whose input width was not declared from the width of x; predict before that refuses and changes nothing', async () => {
    const model = new Sequential({ seed: 1, backend: backendFor(backend) });
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    expect(() => model.predict([[1, 2, 3, 4, 5]])).toThrow('predict: the input size is not known yet');
    expect(model.inputDim).toBeUndefined();
    const { x, oneHot } = blobs(12, 5, 3, 2);
    await model.fit(x, oneHot, { epochs: 1, verbose: 0 });
    expect(model.inputDim).toBe(5);
    expect(model.getWeights()[0].shape).toEqual([5, 3]);
    expect(model.predict([[1, 2, 3, 4, 5]]).shape).toEqual([1, 3]);
  });

  it('prints one Keras-like line per epoch with verbose 1', async () => {
    const model = classifier(backend);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { x, oneHot } = blobs(20, 4, 3, 6);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => void lines.push(s);
    try {
      await model.fit(x, oneHot, { epochs: 2, verbose: 1, validationSplit: 0.2 });
    } finally {
      console.log = log;
    }
    expect(defaultVerbose()).toBe(1); // Node with a stdout
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Epoch 2\/2 · \d+ ms · loss \d\.\d{4} · accuracy \d\.\d{4} · val_loss \d\.\d{4} · val_accuracy \d\.\d{4}$/);
  });
});

describe('optimizers', () => {
  it('Adam with clipNorm, RMSprop with momentum, Adagrad and Nesterov SGD all reduce the loss', async () => {
    const { x, oneHot } = blobs(64, 4, 3, 8);
    for (const optimizer of [new Adam({ learningRate: 0.01, clipNorm: 1 }), 'rmsprop', 'adagrad', new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), new Adam({ globalClipNorm: 0.5, clipValue: 0.1, learningRate: 0.01 })]) {
      const model = classifier('wasm');
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const h = await model.fit(x, oneHot, { epochs: 15, batchSize: 16, verbose: 0 });
      expect(h.loss[14], String(optimizer)).toBeLessThan(h.loss[0]);
    }
  });
});
