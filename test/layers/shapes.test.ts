// Shapes of any rank through a model: inputShape [28, 28] and [h, w, c], data as { data, shape } and
// as nested arrays of matching depth, Flatten and Reshape, Dense over the last axis, summary()'s
// output shapes, and the errors for shapes that disagree.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Flatten, Reshape, Adam, layers } from '../../src/index.js';
import { Rng } from '../../src/random.js';
import { backendFor, expectSameBits, expectSameWeights, initWasm, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

/** n images of h×w in [0, 1) and labels from a fixed rule, flat and nested. */
function images(n: number, h: number, w: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const flat = new Float32Array(n * h * w);
  for (let i = 0; i < flat.length; i++) flat[i] = rng.uniform() < 0.7 ? 0 : rng.uniform();
  const ids = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < h * w; j += 7) s += flat[i * h * w + j];
    return Math.floor(s * 3) % classes;
  });
  const oneHot = ids.map((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
  const nested = Array.from({ length: n }, (_, i) => Array.from({ length: h }, (_, r) => Array.from(flat.subarray(i * h * w + r * w, i * h * w + (r + 1) * w))));
  return { flat, nested, ids, oneHot };
}

describe.each(MODEL_BACKENDS)('images on %s', (backend) => {
  it('Flatten({ inputShape: [28, 28] }) → Dense 128 relu → Dense 10 softmax trains exactly as the same model on [n, 784]', async () => {
    const data = images(96, 28, 28, 10, 1);
    const make = (first: 'flatten' | 'dense') => {
      const model = new Sequential({ seed: 7, backend: backendFor(backend) });
      if (first === 'flatten') {
        model.add(new Flatten({ inputShape: [28, 28] }));
        model.add(new Dense(128, { activation: 'relu' }));
      } else {
        model.add(new Dense(128, { inputShape: [784], activation: 'relu' }));
      }
      model.add(new Dense(10, { activation: 'softmax' }));
      model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    };
    const images3d = make('flatten');
    const flat = make('dense');
    flat.setWeights(images3d.getWeights()); // the same model: the same start weights
    const h1 = await images3d.fit({ data: data.flat, shape: [96, 28, 28] }, data.oneHot, { epochs: 3, batchSize: 32, verbose: 0 });
    const h2 = await flat.fit({ data: data.flat, shape: [96, 784] }, data.oneHot, { epochs: 3, batchSize: 32, verbose: 0 });
    expect(h1.history).toEqual(h2.history);
    expectSameWeights(images3d, flat, 'trained weights');
    const p = images3d.predict(data.nested); // nested arrays of depth 3
    expect(p.shape).toEqual([96, 10]);
    expectSameBits(p.data, flat.predict({ data: data.flat, shape: [96, 784] }).data, 'predictions');
    expect(images3d.inputShape).toEqual([28, 28]);
    expect(images3d.outputShape).toEqual([null, 10]);
  });

  it('Dense on a rank-2 sample works on the last axis ([n, 4, 3] → [n, 4, 5]), as Keras', () => {
    const model = new Sequential({ seed: 2, backend: backendFor(backend) });
    const dense = new Dense(5, { inputShape: [4, 3] });
    model.add(dense);
    const x = Float32Array.from({ length: 2 * 12 }, (_, i) => Math.sin(i));
    const y = model.predict({ data: x, shape: [2, 4, 3] });
    expect(y.shape).toEqual([2, 4, 5]);
    const [w, b] = model.getWeights();
    for (let r = 0; r < 8; r++) {
      for (let j = 0; j < 5; j++) {
        let s = b.data[j];
        for (let k = 0; k < 3; k++) s += x[r * 3 + k] * w.data[k * 5 + j];
        expect(y.data[r * 5 + j]).toBeCloseTo(s, 5);
      }
    }
  });

  it('Reshape keeps the values in row-major order; −1 is inferred', () => {
    const model = new Sequential({ seed: 2, backend: backendFor(backend) });
    model.add(new Reshape({ targetShape: [3, -1], inputShape: [12] }));
    model.add(new Reshape({ targetShape: [2, 2, 3] }));
    model.add(new Flatten());
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(model.outputShape).toEqual([null, 12]);
    expect(model.predict({ data: x, shape: [2, 12] }).data).toEqual(x);
    expect(model.countParams()).toBe(0);
  });
});

describe('shapes in summary() and errors', () => {
  it('summary() shows each layer\'s output shape as Keras does', () => {
    const model = new Sequential({ name: 'images' });
    model.add(layers.flatten({ inputShape: [8, 8, 3], name: 'flat' }));
    model.add(new Reshape({ targetShape: [16, 12], name: 'rows' }));
    model.add(new Dense(4, { name: 'per_row' }));
    model.add(new Flatten({ name: 'flat2' }));
    model.add(new Dense(2, { name: 'out' }));
    const text = model.summary();
    expect(text).toContain('│ flat (Flatten)                  │ (None, 192)            │             0 │');
    expect(text).toContain('│ rows (Reshape)                  │ (None, 16, 12)         │             0 │');
    expect(text).toContain('│ per_row (Dense)                 │ (None, 16, 4)          │            52 │');
    expect(text).toContain('│ flat2 (Flatten)                 │ (None, 64)             │             0 │');
    expect(text).toContain('│ out (Dense)                     │ (None, 2)              │           130 │');
    expect(text).toContain(' Total params: 182 (728.00 B)');
  });

  it('refuses shapes that disagree, before anything changes', async () => {
    expect(() => new Reshape({ targetShape: [5, 5], inputShape: [24] })).not.toThrow();
    const bad = new Sequential();
    expect(() => bad.add(new Reshape({ targetShape: [5, 5], inputShape: [24], name: 'r' }))).toThrow(
      "Reshape 'r': cannot reshape an input of shape [24] (24 values per sample) to [5, 5] (25 values)",
    );
    expect(bad.layers).toEqual([]); // the layer was not attached
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow('Reshape: expected at most one −1 in `targetShape`, received [-1, -1]');
    expect(() => new Reshape({ targetShape: [2, 0] })).toThrow('Reshape: expected `targetShape[1]` to be a positive integer, received 0');
    expect(() => new Flatten({ inputShape: [] })).toThrow('Flatten: expected `inputShape` to be a per-sample shape such as [features] or [28, 28], received []');

    const model = new Sequential({ seed: 1 });
    model.add(new Flatten({ inputShape: [4, 4] }));
    model.add(new Dense(2, { activation: 'softmax' }));
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const before = model.getWeights();
    const y = [[1, 0], [0, 1]];
    await expect(model.fit({ data: new Float32Array(32), shape: [2, 16] }, y, { verbose: 0 })).rejects.toThrow(
      "fit: expected `x` to have samples of shape [4, 4] (the model's input shape), received [16]",
    );
    expect(() => model.predict({ data: new Float32Array(32), shape: [2, 2, 8] })).toThrow("predict: expected `x` to have samples of shape [4, 4] (the model's input shape), received [2, 8]");
    expect(() => model.predict([[[1, 2, 3, 4]], [[1, 2, 3]]])).toThrow('predict: expected `x`[1][0] to be an array of 4 (samples of shape [1, 4], as sample 0), received [1, 2, 3]');
    expect(() => model.predict([[[1, 2], [3, 'x']]])).toThrow("predict: expected `x` to hold finite numbers, received 'x' at [0][1][1]");
    expect(model.getWeights()).toEqual(before);

    const image = new Sequential();
    image.add(new Dense(3, { inputShape: [4, 4] }));
    image.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(image.fit({ data: new Float32Array(32), shape: [2, 4, 4] }, [[0, 0, 0], [0, 0, 0]], { verbose: 0 })).rejects.toThrow(
      'fit: the model\'s output has shape [4, 3] per sample; a loss needs one vector per sample (add Flatten before the last Dense)',
    );
  });
});
