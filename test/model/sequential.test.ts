// Sequential as a user sees it: Keras's exact small cases, weights in and out, summary, predict in
// chunks, determinism from a seed, the allocation-free training step, and dispose.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, sequential, Dense, Dropout, Activation, layers, Adam } from '../../src/index.js';
import { backendFor, blobs, initWasm, randomRows, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

describe.each(MODEL_BACKENDS)('Sequential on %s', (backend) => {
  const make = (seed = 1) => new Sequential({ seed, backend: backendFor(backend) });

  it('Dense with set weights computes relu(x·W + b) exactly (Keras dense_test case)', () => {
    const model = make();
    model.add(new Dense(2, { inputDim: 2, activation: 'relu' }));
    model.setWeights([[[1, -2], [3, -4]], [5, -6]]);
    // z = [-1·1 + 2·3 + 5, -1·(−2) + 2·(−4) − 6] = [10, −12] → relu → [10, 0]
    const out = model.predict([[-1, 2]]);
    expect(out.shape).toEqual([1, 2]);
    expect(Array.from(out.data)).toEqual([10, 0]);
  });

  it('a linear Dense without bias is x·W, and Activation layers apply their function', () => {
    const model = make();
    model.add(new Dense(2, { inputDim: 2, useBias: false }));
    model.add(new Activation('sigmoid'));
    model.setWeights([[[1, -2], [3, -4]]]);
    const out = model.predict({ data: new Float32Array([-1, 2]), shape: [1, 2] });
    // x·W = [5, −6]; σ(5) = 0.9933071, σ(−6) = 0.0024726
    expect(out.data[0]).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
    expect(out.data[1]).toBeCloseTo(1 / (1 + Math.exp(6)), 6);
  });

  it('Dropout is the identity in predict', () => {
    const model = make();
    model.add(new Dense(3, { inputDim: 2 }));
    model.add(new Dropout(0.5));
    const withDropout = model.predict([[1, 2], [3, 4]]);
    const plain = make();
    plain.add(new Dense(3, { inputDim: 2 }));
    plain.setWeights(model.getWeights());
    expect(Array.from(withDropout.data)).toEqual(Array.from(plain.predict([[1, 2], [3, 4]]).data));
  });

  it('getWeights returns [kernel [in, units], bias [units]] per layer and builds right after add', () => {
    const model = make();
    model.add(new Dense(8, { inputShape: [4], activation: 'relu' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    const w = model.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[4, 8], [8], [8, 3], [3]]);
    expect(model.countParams()).toBe(4 * 8 + 8 + 8 * 3 + 3);
    // Keras defaults: glorotUniform kernel within ±sqrt(6 / (fanIn + fanOut)), zero bias.
    const limit = Math.sqrt(6 / (4 + 8));
    expect(w[0].data.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...w[0].data.map(Math.abs))).toBeGreaterThan(limit * 0.7);
    expect(w[1].data.every((v) => v === 0)).toBe(true);
  });

  it('predict in chunks equals predict in one batch, for any chunk size', () => {
    const model = make();
    model.add(new Dense(5, { inputDim: 3, activation: 'tanh' }));
    model.add(new Dense(2, { activation: 'softmax' }));
    const x = randomRows(23, 3, 4);
    const whole = model.predict(x, { batchSize: 23 });
    const top = model.state.backend.arena.top;
    for (const batchSize of [1, 4, 7, 100]) {
      const chunked = model.predict(x, { batchSize });
      expect(chunked.shape).toEqual([23, 2]);
      Array.from(chunked.data).forEach((v, i) => expect(v).toBeCloseTo(whole.data[i], 6));
    }
    // Small or larger batch sizes reuse the planned capacity: no re-plan, no memory change.
    expect(model.state.backend.arena.top).toBe(top);
  });

  it('the same seed gives bit-identical initial weights, history and final weights', async () => {
    const run = async () => {
      const model = make(42);
      model.add(new Dense(16, { inputDim: 4, activation: 'relu' }));
      model.add(new Dropout(0.3));
      model.add(new Dense(3, { activation: 'softmax' }));
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const initial = model.getWeights();
      const { x, oneHot } = blobs(50, 4, 3, 9);
      const history = await model.fit(x, oneHot, { epochs: 3, batchSize: 8, validationSplit: 0.2, verbose: 0 });
      return { initial, history: history.history, final: model.getWeights() };
    };
    const a = await run();
    const b = await run();
    expect(b.initial).toEqual(a.initial);
    expect(b.history).toEqual(a.history);
    expect(b.final).toEqual(a.final);
    const other = make(43);
    other.add(new Dense(16, { inputDim: 4 }));
    expect(other.getWeights()[0].data).not.toEqual(a.initial[0].data);
  });

  it('a training step allocates nothing: arena top and memory size stay fixed across steps, epochs and fits', async () => {
    const model = make();
    model.add(new Dense(32, { inputDim: 10, activation: 'relu', kernelRegularizer: { l1: 0, l2: 1e-4 } }));
    model.add(new Dropout(0.2));
    model.add(new Dense(4, { activation: 'softmax' }));
    model.compile({ optimizer: new Adam({ clipNorm: 1 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { x, oneHot } = blobs(100, 10, 4, 3);
    await model.fit(x, oneHot, { epochs: 1, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    const arena = model.state.backend.arena;
    const top = arena.top;
    const bytes = arena.capacity;
    const heap = arena.heap();
    for (let i = 0; i < 3; i++) await model.fit(x, oneHot, { epochs: 4, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    model.evaluate(x, oneHot);
    model.predict(x);
    expect(arena.top).toBe(top);
    expect(arena.capacity).toBe(bytes);
    expect(arena.heap()).toBe(heap); // the view was never re-taken: memory never grew
  });

  it('re-planning for larger data keeps weights and optimizer slots; adding a layer later keeps the earlier weights', async () => {
    const model = make(5);
    model.add(new Dense(6, { inputDim: 3, activation: 'tanh' }));
    model.add(new Dense(2, { activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const { x, oneHot } = blobs(12, 3, 2, 1);
    await model.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    const slots = () => model.state.plan!.slots.map((p) => Array.from(model.state.backend.arena.heap().subarray(p >> 2, (p >> 2) + model.state.plan!.n)));
    const weights = model.getWeights();
    const before = slots();
    expect(before.flat().some((v) => v !== 0)).toBe(true);
    const oldParams = model.state.plan!.params;
    model.state.ensurePlan({ trainRows: 5000, batchCap: 300 });
    expect(model.state.plan!.params).toBe(oldParams); // parameters stay first in the arena
    expect(model.state.plan!.trainX).toBeGreaterThan(oldParams);
    expect(model.getWeights()).toEqual(weights);
    expect(slots()).toEqual(before);
    model.add(new Dense(2, { activation: 'softmax' }));
    expect(model.getWeights().slice(0, 4)).toEqual(weights);
    expect(slots().map((s) => s.slice(0, before[0].length))).toEqual(before);
    const h = await model.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(model.optimizer!.iterations).toBe(12);
  });

  it('summary is a Keras-like table with output shapes and parameter counts', () => {
    const model = new Sequential({ seed: 1, name: 'iris_net', backend: backendFor(backend) });
    model.add(new Dense(8, { inputDim: 4, activation: 'relu', name: 'hidden' }));
    model.add(new Dropout(0.2, { name: 'drop' }));
    model.add(new Dense(3, { activation: 'softmax', name: 'out' }));
    const text = model.summary();
    expect(text).toContain('Model: "iris_net"');
    // Keras 3's table.
    expect(text).toContain('│ hidden (Dense)                  │ (None, 8)              │            40 │');
    expect(text).toContain('│ drop (Dropout)                  │ (None, 8)              │             0 │');
    expect(text).toContain('│ out (Dense)                     │ (None, 3)              │            27 │');
    expect(text).toContain(' Total params: 67 (268.00 B)\n Trainable params: 67 (268.00 B)\n Non-trainable params: 0 (0.00 B)');
  });

  it('dispose releases memory and later calls throw a clear error', () => {
    const model = make();
    model.add(new Dense(2, { inputDim: 2 }));
    model.dispose();
    expect(() => model.predict([[1, 2]])).toThrow('predict: this model was disposed');
    expect(() => model.getWeights()).toThrow('getWeights: this model was disposed');
  });
});

describe('the TF.js spelling builds the same objects', () => {
  it('sequential({ layers: [layers.dense(...), layers.dropout(...)] }) equals the Keras classes', () => {
    const a = sequential({
      seed: 3,
      layers: [layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' }), layers.activation({ activation: 'linear' })],
    });
    const b = new Sequential({ seed: 3 });
    b.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
    b.add(new Dropout(0.2));
    b.add(new Dense(3, { activation: 'softmax' }));
    b.add(new Activation('linear'));
    expect(a.layers.map((l) => l.constructor)).toEqual([Dense, Dropout, Dense, Activation]);
    expect(a.layers.map((l) => ({ ...l.getConfig(), name: undefined }))).toEqual(b.layers.map((l) => ({ ...l.getConfig(), name: undefined })));
    expect(a.getWeights()).toEqual(b.getWeights());
  });
});
