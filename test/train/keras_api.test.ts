// What a Keras user reaches for at once: trainOnBatch/testOnBatch/predictOnBatch (checked against
// fit, evaluate and predict on the same rows), validationFreq and validationBatchSize, a settable
// learningRate, and argMax/toArray/accuracy on predict's output.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, SGD, Adam, argMax, toArray, accuracy } from '../../src/index.js';
import { backendFor, blobs, expectSameBits, expectSameWeights, initWasm, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

const { x, ids, oneHot } = blobs(40, 4, 3, 6);

describe.each(MODEL_BACKENDS)('on %s', (backend) => {
  function model(lr = 0.05): Sequential {
    const m = new Sequential({ seed: 9, backend: backendFor(backend) });
    m.add(new Dense(6, { inputDim: 4, activation: 'tanh' }));
    m.add(new Dense(3, { activation: 'softmax' }));
    m.compile({ optimizer: new Adam({ learningRate: lr }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return m;
  }

  it('trainOnBatch is one fit step on those rows; testOnBatch is evaluate on them; predictOnBatch is predict', async () => {
    const a = model();
    const b = model();
    const logs = a.trainOnBatch(x, oneHot);
    const history = await b.fit(x, oneHot, { epochs: 1, batchSize: 40, shuffle: false, verbose: 0 });
    expectSameWeights(a, b, 'after one step');
    expect(logs.loss).toBe(history.history.loss[0]);
    expect(logs.accuracy).toBe(history.history.accuracy[0]);
    expect(a.optimizer!.iterations).toBe(1);
    expect(a.testOnBatch(x, oneHot)).toEqual(a.evaluate(x, oneHot, { batchSize: 40 }));
    expectSameBits(a.predictOnBatch(x).data, a.predict(x, { batchSize: 40 }).data, 'predictOnBatch');
    expect(() => a.trainOnBatch(x, ids)).toThrow('trainOnBatch: expected `y` to have 3 columns (the output units), received 1');
  });

  it('validationFreq validates every N-th epoch or the listed ones; validationBatchSize chunks validation', async () => {
    const m = model();
    const every2 = await m.fit(x, oneHot, { epochs: 4, batchSize: 8, validationSplit: 0.25, validationFreq: 2, verbose: 0 });
    expect(every2.history.loss.length).toBe(4);
    expect(every2.history.val_loss.length).toBe(2);
    const listed = await model().fit(x, oneHot, { epochs: 4, batchSize: 8, validationSplit: 0.25, validationFreq: [1, 4], verbose: 0 });
    expect(listed.history.val_loss.length).toBe(2);
    const one = model();
    const h1 = await one.fit(x, oneHot, { epochs: 1, batchSize: 8, validationSplit: 0.25, validationBatchSize: 3, verbose: 0 });
    expect(h1.history.val_loss[0]).toBeCloseTo(one.evaluate(x.slice(30), oneHot.slice(30), { batchSize: 3 }).loss, 6);
    await expect(model().fit(x, oneHot, { validationFreq: 0, verbose: 0 })).rejects.toThrow('fit: expected `validationFreq` to be a positive integer, received 0');
  });

  it("metrics may be one name as a plain string (TF.js's form)", () => {
    const m = new Sequential({ seed: 1, backend: backendFor(backend) });
    m.add(new Dense(3, { inputDim: 4, activation: 'softmax' }));
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: 'accuracy' });
    expect(Object.keys(m.evaluate(x, oneHot))).toEqual(['loss', 'accuracy']);
  });

  it('learningRate is settable between steps, checked as at construction', async () => {
    const m = new Sequential({ seed: 1, backend: backendFor(backend) });
    m.add(new Dense(1, { inputDim: 1, kernelInitializer: 'ones', useBias: false }));
    const sgd = new SGD({ learningRate: 0.1 });
    m.compile({ optimizer: sgd, loss: 'mse' });
    sgd.learningRate = 0.5;
    m.trainOnBatch([[1]], [0]); // w = 1 − 0.5 · d(w − 0)²/dw = 1 − 0.5 · 2 = 0
    expect(m.getWeights()[0].data[0]).toBe(0);
    expect(sgd.getConfig().learningRate).toBe(0.5);
    expect(() => (sgd.learningRate = -1)).toThrow('SGD: expected `learningRate` to be a number > 0, received -1');
    expect(sgd.learningRate).toBe(0.5);
  });
});

describe('argMax, toArray, accuracy', () => {
  const p = { data: Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.3, 0.3, 0.4]), shape: [3, 3] as [number, number] };
  it('argMax is each row\'s class; toArray nests by the shape; accuracy takes ids, [n, 1] or one-hot labels', () => {
    expect(argMax(p)).toEqual([1, 0, 2]);
    expect(toArray({ data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] })).toEqual([[1, 2], [3, 4]]);
    expect(toArray({ data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] })).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(accuracy(p, [1, 0, 0])).toBeCloseTo(2 / 3, 12);
    expect(accuracy(p, [[0, 1, 0], [1, 0, 0], [0, 0, 1]])).toBe(1);
    expect(accuracy(p, { data: Float32Array.from([1, 1, 2]), shape: [3, 1] })).toBeCloseTo(2 / 3, 12);
    expect(accuracy({ data: Float32Array.from([0.9, 0.2, 0.5]), shape: [3, 1] }, [1, 0, 0])).toBeCloseTo(2 / 3, 12); // one sigmoid unit
    expect(() => accuracy(p, [1, 0])).toThrow('accuracy: expected `labels` to have as many rows as `predictions` (3), received 2');
    expect(() => accuracy(p, [1, 0, 3])).toThrow('accuracy: expected class ids in [0, 2], received 3 at row 2');
    expect(() => argMax([[1, 2]] as never)).toThrow('argMax: expected `predictions` to be { data, shape: [rows, columns, …] } as predict returns it, received [[1, 2]]');
  });

  it('on a trained model, accuracy(model.predict(x), ids) is what evaluate reports', async () => {
    const m = new Sequential({ seed: 2, backend: backendFor('js') });
    m.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
    m.add(new Dropout(0.1));
    m.add(new Dense(3, { activation: 'softmax' }));
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await m.fit(x, ids, { epochs: 5, verbose: 0 });
    expect(accuracy(m.predict(x), ids)).toBeCloseTo(m.evaluate(x, ids).accuracy, 12);
  });
});

describe('the progress bar (verbose 1 in a terminal)', () => {
  it('prints Epoch e/E, redraws one line in place, and ends it with the time, per-step time and every log sorted by name', async () => {
    const { __testing } = await import('../../src/train/progress_bar.js');
    const out: string[] = [];
    __testing.sink = { write: (s) => void out.push(s) };
    try {
      const m = new Sequential({ seed: 3, backend: backendFor('js') });
      m.add(new Dense(3, { inputDim: 4, activation: 'softmax' }));
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      await m.fit(x, oneHot, { epochs: 2, batchSize: 8, validationSplit: 0.2, verbose: 1 });
    } finally {
      __testing.sink = undefined;
    }
    const text = out.join('');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Epoch 1/2');
    // The finished line of epoch 1: 4 steps of 8 rows (32 training rows), the full bar, then the logs.
    const done = lines[1].split('\r').at(-1)!.replace('\x1b[K', '');
    expect(done).toMatch(/^4\/4 ━{20} \d+s \d+(ms|us)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$/);
    expect(lines[2]).toBe('Epoch 2/2');
    expect(text.endsWith('\n')).toBe(true);
  });
});
