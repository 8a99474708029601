// BatchNormalization, LayerNormalization, GaussianNoise and GaussianDropout inside models: float64
// finite-difference gradients of every trainable weight (a Dense before the layer makes its input
// gradient part of the check), BatchNormalization's inference formula and moving statistics, the
// noise layers' training-only behaviour, and the argument errors.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, BatchNormalization, LayerNormalization, GaussianNoise, GaussianDropout, Flatten, Reshape, l2, type Layer } from '../../src/index.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';
import { backendFor, blobs, initWasm, MODEL_BACKENDS, randomRows } from '../helpers/models.js';

beforeAll(initWasm);

const M = 6;
const IN = 3;

/** Dense → layer(s) → Dense softmax on the float64 twin, all weights set to smooth non-trivial values. */
function gradModel(middle: Layer[], hidden = 4): Sequential {
  const model = new Sequential({ seed: 5, backend: backendFor('f64') });
  model.add(new Dense(hidden, { inputDim: IN, activation: 'tanh', kernelInitializer: 'randomNormal', biasInitializer: 'randomNormal' }));
  for (const layer of middle) model.add(layer);
  model.add(new Dense(3, { activation: 'softmax' }));
  const names = model.weights.map((w) => w.name);
  // Variances must stay positive; everything else smooth values of both signs.
  const value = (i: number, j: number) => (names[i].endsWith('moving_variance') ? 1 + 0.5 * Math.sin(j + i) : 0.8 * Math.sin(2.3 * j + 1.7 * i + 0.5) + 0.3 * Number(names[i].endsWith('bias')));
  model.setWeights(model.getWeights().map((w, i) => ({ data: w.data.map((_, j) => value(i, j)), shape: w.shape })));
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}

function checkGradients(model: Sequential, what: string): void {
  const x = randomRows(M, IN, 8, -2, 2);
  const { oneHot } = blobs(M, IN, 3, 2);
  const start = Float64Array.from(model.parameterView());
  const { gradients } = model.computeGradients(x, oneHot);
  expect(gradients.length).toBe(start.length);
  const f = (p: Float64Array) => {
    model.parameterView().set(p);
    return model.computeGradients(x, oneHot).loss;
  };
  expectGradientsMatch(f, start, gradients, what);
}

describe('gradients (float64 twin, central differences; the first Dense checks each layer\'s input gradient)', () => {
  it.each([
    ['BatchNormalization', () => [new BatchNormalization({ gammaRegularizer: l2(0.01) })]],
    ['BatchNormalization without gamma and beta', () => [new BatchNormalization({ center: false, scale: false })]],
    ['BatchNormalization without gamma', () => [new BatchNormalization({ scale: false })]],
    ['BatchNormalization, frozen (inference mode)', () => [new BatchNormalization({ trainable: false })]],
    ['BatchNormalization over the last axis of a rank-2 sample', () => [new Reshape({ targetShape: [2, 3] }), new BatchNormalization(), new Flatten()]],
    ['LayerNormalization', () => [new LayerNormalization({ betaRegularizer: l2(0.02) })]],
    ['LayerNormalization without beta', () => [new LayerNormalization({ center: false })]],
    ['LayerNormalization over the last axis of a rank-2 sample', () => [new Reshape({ targetShape: [3, 2] }), new LayerNormalization(), new Flatten()]],
    ['GaussianNoise with stddev 0 (the gradient passes through)', () => [new GaussianNoise(0)]],
    ['GaussianDropout with rate 0', () => [new GaussianDropout(0)]],
  ] as [string, () => Layer[]][])('%s', (what, layers) => {
    checkGradients(gradModel(layers(), 6), what);
  });
});

describe.each(MODEL_BACKENDS)('BatchNormalization on %s', (backend) => {
  function bnModel(options = {}) {
    const model = new Sequential({ seed: 3, backend: backendFor(backend) });
    const bn = new BatchNormalization({ inputShape: [3], momentum: 0.9, epsilon: 1e-3, ...options });
    model.add(bn);
    return { model, bn };
  }
  const x = [[1, 2, 3], [2, 0, -1], [4, 1, 1], [-1, 5, 2]];

  it('in inference it applies gamma·(x − moving_mean)/sqrt(moving_variance + ε) + beta', () => {
    const { model, bn } = bnModel();
    const gamma = [1.5, -0.5, 2];
    const beta = [0.1, 0.2, -0.3];
    const mean = [1, -1, 0.5];
    const variance = [4, 0.25, 1];
    bn.setWeights([gamma, beta, mean, variance]);
    const y = model.predict(x);
    x.forEach((row, i) => row.forEach((v, c) => expect(y.data[i * 3 + c]).toBeCloseTo((gamma[c] * (v - mean[c])) / Math.sqrt(variance[c] + 1e-3) + beta[c], 5)));
  });

  it('a training step normalises by the batch and moves the statistics by momentum (biased variance, as Keras); the optimizer never touches them', async () => {
    const { model, bn } = bnModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(bn.getWeights().map((w) => Array.from(w.data))).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    expect(model.trainableWeights.map((w) => w.name)).toEqual([`${bn.name}/gamma`, `${bn.name}/beta`]);
    expect(model.nonTrainableWeights.map((w) => w.name)).toEqual([`${bn.name}/moving_mean`, `${bn.name}/moving_variance`]);
    await model.fit(x, [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]], { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    const [, , mm, mv] = bn.getWeights();
    for (let c = 0; c < 3; c++) {
      const col = x.map((r) => r[c]);
      const mean = col.reduce((a, b) => a + b, 0) / 4;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mm.data[c]).toBeCloseTo(0.1 * mean, 6);
      expect(mv.data[c]).toBeCloseTo(0.9 + 0.1 * variance, 5);
    }
    expect(model.countParams()).toBe(12);
    expect(model.summary()).toContain(' Trainable params: 6 (24.00 B)\n Non-trainable params: 6 (24.00 B)');
  });

  it('a frozen BatchNormalization runs in inference mode inside fit and keeps every weight bit for bit', async () => {
    const { model, bn } = bnModel({ trainable: false });
    model.add(new Dense(2));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    bn.setWeights([[2, 1, 0.5], [0, 1, 0], [1, 0, -1], [2, 3, 4]]);
    const before = bn.getWeights();
    const { x: xs, oneHot } = blobs(40, 3, 2, 4);
    await model.fit(xs, oneHot, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(bn.getWeights()).toEqual(before);
    expect(model.trainableWeights.length).toBe(2);
    expect(model.state.plan!.slots.length).toBe(2);
    expect(model.state.plan!.n).toBe(3 * 2 + 2); // Adam's slots cover only the Dense
  });
});

describe.each(MODEL_BACKENDS)('noise layers on %s', (backend) => {
  it('GaussianNoise and GaussianDropout change values in training only, reproducibly per seed, and predict is the identity', async () => {
    for (const make of [() => new GaussianNoise(0.5), () => new GaussianDropout(0.3)]) {
      const model = new Sequential({ seed: 9, backend: backendFor(backend) });
      model.add(new Dense(8, { inputDim: 4 }));
      const noise = make();
      model.add(noise);
      model.add(new Dense(2));
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const { x, oneHot } = blobs(30, 4, 2, 1);
      const clean = new Sequential({ seed: 9, backend: backendFor(backend) });
      clean.add(new Dense(8, { inputDim: 4 }));
      clean.add(new Dense(2));
      clean.setWeights(model.getWeights());
      clean.compile({ optimizer: 'sgd', loss: 'mse' });
      expect(model.predict(x).data).toEqual(clean.predict(x).data); // inference: the identity
      const a = model.computeGradients(x, oneHot).loss;
      expect(a).not.toBeCloseTo(clean.computeGradients(x, oneHot).loss, 6); // training: noise
      expect(model.evaluate(x, oneHot).loss).toBe(clean.evaluate(x, oneHot).loss);
    }
  });
});

describe('errors', () => {
  it('refuses bad options before anything is built', () => {
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow('BatchNormalization: expected `epsilon` to be a number > 0 and ≤ 1000000, received 0');
    expect(() => new LayerNormalization({ epsilon: -1 })).toThrow('LayerNormalization: expected `epsilon` to be a number > 0 and ≤ 1000000, received -1');
    expect(() => new BatchNormalization({ momentum: 1 })).toThrow('BatchNormalization: expected `momentum` to be a number ≥ 0 and < 1, received 1');
    expect(() => new BatchNormalization({ momentum: -0.1 })).toThrow('BatchNormalization: expected `momentum` to be a number ≥ 0 and < 1, received -0.1');
    expect(() => new BatchNormalization({ axis: 0 })).toThrow('BatchNormalization: expected `axis` to be -1 (the last axis; channels-last), received 0');
    const images = new Sequential();
    expect(() => images.add(new BatchNormalization({ axis: 1, inputShape: [3, 4], name: 'bn1' }))).toThrow(
      "BatchNormalization 'bn1': expected `axis` to be the last axis (-1 or 2 for input shape [3, 4]), received 1; only the last axis is supported",
    );
    expect(images.layers).toEqual([]);
    expect(() => new GaussianNoise(-0.1)).toThrow('GaussianNoise: expected `stddev` to be a number ≥ 0 and ≤ 1000000, received -0.1');
    expect(() => new GaussianDropout(1)).toThrow('GaussianDropout: expected `rate` to be a number ≥ 0 and < 1, received 1');
    expect(() => new BatchNormalization({ center: 'yes' as unknown as boolean })).toThrow("BatchNormalization: expected `center` to be a boolean, received 'yes'");
    expect(() => new BatchNormalization({ momentun: 0.9 } as never)).toThrow('BatchNormalization: unknown option `momentun`; did you mean `momentum`?');
  });
});
