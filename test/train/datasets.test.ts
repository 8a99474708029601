// End to end on the shipped real data sets, on both backends, scored on a held-out split: the
// notes' iris model, breast cancer (one sigmoid unit), digits (softmax), diabetes regression (R²),
// and multi-label digits (three independent sigmoids). Seeds are fixed; each bar is a floor under the accuracy the model reaches.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, Adam, l2, datasets, type Matrix } from '../../src/index.js';
import { backendFor, initWasm, MODEL_BACKENDS, heldOutAccuracy } from '../helpers/models.js';

beforeAll(initWasm);

function prepared(ds: { x: Matrix; y: Matrix }, seed = 0) {
  const split = datasets.trainTestSplit(ds.x, ds.y, { testSize: 0.2, seed });
  const { train, test } = datasets.standardize(split.xTrain, split.xTest);
  return { xTrain: train, xTest: test, yTrain: split.yTrain, yTest: split.yTest };
}

describe.each(MODEL_BACKENDS)('real data on %s', (backend) => {
  it("the notes' example on iris (4 → 8 relu → 8 relu → 3 softmax) reaches test accuracy ≥ 0.93", async () => {
    const d = prepared(datasets.loadIris(), 0);
    const model = new Sequential({ seed: 1, backend: backendFor(backend) });
    model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
    model.add(new Dropout(0.1));
    model.add(new Dense(8, { activation: 'relu', kernelRegularizer: l2(1e-4) }));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(d.xTrain, datasets.toOneHot(d.yTrain, 3), { epochs: 60, batchSize: 16, validationSplit: 0.1, verbose: 0 });
    const acc = heldOutAccuracy(model.predict(d.xTest), d.yTest);
    expect(acc).toBeGreaterThanOrEqual(0.93);
    expect(model.evaluate(d.xTest, datasets.toOneHot(d.yTest, 3)).accuracy).toBeCloseTo(acc, 10);
  });

  it('breast cancer with one sigmoid unit and binary cross-entropy reaches test accuracy ≥ 0.95', async () => {
    const d = prepared(datasets.loadBreastCancer(), 1);
    const model = new Sequential({ seed: 2, backend: backendFor(backend) });
    model.add(new Dense(1, { inputDim: 30, activation: 'sigmoid' }));
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(d.xTrain, d.yTrain, { epochs: 30, batchSize: 32, verbose: 0 });
    expect(model.evaluate(d.xTest, d.yTest).accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('digits with softmax and categorical cross-entropy reaches test accuracy ≥ 0.95', async () => {
    const d = prepared(datasets.loadDigits(), 3);
    const model = new Sequential({ seed: 3, backend: backendFor(backend) });
    model.add(new Dense(32, { inputDim: 64, activation: 'relu' }));
    model.add(new Dense(10, { activation: 'softmax' }));
    model.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(d.xTrain, d.yTrain, { epochs: 12, batchSize: 32, verbose: 0 });
    // The same model scored through the one-hot loss path.
    model.compile({ optimizer: model.optimizer!, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(d.xTrain, datasets.toOneHot(d.yTrain, 10), { epochs: 3, batchSize: 32, verbose: 0 });
    expect(heldOutAccuracy(model.predict(d.xTest), d.yTest)).toBeGreaterThanOrEqual(0.95);
  });

  it('diabetes regression with MSE on standardised features reaches R² ≥ 0.40', async () => {
    const d = prepared(datasets.loadDiabetes(), 1);
    // Standardise the target with training statistics too (the loss is then in units of its variance).
    const ys = datasets.standardize(d.yTrain, d.yTest);
    const model = new Sequential({ seed: 4, backend: backendFor(backend) });
    model.add(new Dense(8, { inputDim: 10, activation: 'relu' }));
    model.add(new Dense(1));
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    await model.fit(d.xTrain, ys.train, { epochs: 40, batchSize: 32, verbose: 0 });
    const pred = model.predict(d.xTest).data;
    const truth = ys.test.data;
    const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
    let ssRes = 0;
    let ssTot = 0;
    truth.forEach((t, i) => {
      ssRes += (t - pred[i]) ** 2;
      ssTot += (t - mean) ** 2;
    });
    expect(1 - ssRes / ssTot).toBeGreaterThanOrEqual(0.4);
  });

  it('multi-label digits (even, > 4, prime) with three sigmoids: per-label accuracy ≥ 0.90', async () => {
    const d = prepared(datasets.loadDigits(), 5);
    const labels = (ids: Matrix): Matrix => {
      const n = ids.shape[0];
      const out = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) {
        const c = ids.data[i];
        out[i * 3] = c % 2 === 0 ? 1 : 0;
        out[i * 3 + 1] = c > 4 ? 1 : 0;
        out[i * 3 + 2] = [2, 3, 5, 7].includes(c) ? 1 : 0;
      }
      return { data: out, shape: [n, 3] };
    };
    const model = new Sequential({ seed: 5, backend: backendFor(backend) });
    model.add(new Dense(32, { inputDim: 64, activation: 'relu' }));
    model.add(new Dense(3, { activation: 'sigmoid' }));
    model.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(d.xTrain, labels(d.yTrain), { epochs: 15, batchSize: 32, verbose: 0 });
    const pred = model.predict(d.xTest);
    const truth = labels(d.yTest);
    for (let j = 0; j < 3; j++) {
      let hits = 0;
      for (let i = 0; i < pred.shape[0]; i++) if (pred.data[i * 3 + j] > 0.5 === truth.data[i * 3 + j] > 0.5) hits++;
      expect(hits / pred.shape[0], `label ${j}`).toBeGreaterThanOrEqual(0.9);
    }
  });
});
