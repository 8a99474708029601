// Model memory under failure (the adversarial review's cases): a plan beyond WebAssembly's 4 GB is
// refused before anything changes, with the call, the cause and the remedy; a re-plan the runtime
// cannot grow memory for leaves the model exactly as it was; models sharing a backend cannot
// overwrite each other; dispose lets the memory be collected; a model file whose model would need
// more than 4 GB for one row is refused before its bytes are read.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Activation, Adam, fromArtifacts, SinewError, type ModelArtifacts } from '../../src/index.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import { createBackend } from '../../src/runtime/init.js';
import { blobs, expectSameBits, expectSameWeights, initWasm } from '../helpers/models.js';

beforeAll(initWasm);

const { x, oneHot } = blobs(64, 4, 3, 5);

function wide(backend = createBackend()): Sequential {
  const m = new Sequential({ seed: 2, backend });
  m.add(new Dense(2048, { inputDim: 4, activation: 'relu' }));
  m.add(new Dense(2048, { activation: 'relu' }));
  m.add(new Dense(3, { activation: 'softmax' }));
  m.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return m;
}

describe('memory', () => {
  it('fit with a batch of 200,000 rows on 4→2048→2048→3 is refused up front; predict and later training are as before', async () => {
    const model = wide();
    const reference = wide();
    await model.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    await reference.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    const before = model.predict(x).data;
    const bytes = model.state.backend.arena.capacity;
    const big = { data: new Float32Array(200_000 * 4), shape: [200_000, 4] as [number, number] };
    const labels = { data: new Float32Array(200_000 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 1 : 0)), shape: [200_000, 3] as [number, number] };
    await expect(model.fit(big, labels, { batchSize: 200_000, verbose: 0 })).rejects.toThrow(
      /^fit: a batch of 200000 rows needs \d+\.\d GB of model memory, more than the 4 GB WebAssembly allows; use a smaller batchSize$/,
    );
    expect(model.state.backend.arena.capacity).toBe(bytes); // nothing was grown
    expectSameBits(model.predict(x).data, before, 'predictions after the refusal');
    await model.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    await reference.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    expectSameWeights(model, reference, 'training after the refusal');
  });

  it('when the runtime refuses to grow memory, add and fit fail with the call named and leave the model exactly as it was', async () => {
    const backend = createJsBackend();
    const model = new Sequential({ seed: 4, backend });
    model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
    model.add(new Dense(3, { activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await model.fit(x, oneHot, { epochs: 1, batchSize: 8, verbose: 0 });
    const weights = model.getWeights();
    const slots = model.state.optimizerSlots().map((s) => Float32Array.from(s));
    const memory = backend.arena.memory as { grow(pages: number): number };
    const grow = memory.grow.bind(memory);
    memory.grow = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    };
    try {
      expect(() => model.add(new Dense(200_000))).toThrow(/^add: could not grow memory by \d+ pages to \d+ bytes .*; the runtime gave no more memory, and the model is as it was/);
      expect(model.layers.length).toBe(2);
      const many = { data: new Float32Array(60_000 * 4), shape: [60_000, 4] as [number, number] };
      const labels = { data: new Float32Array(60_000 * 3), shape: [60_000, 3] as [number, number] };
      await expect(model.fit(many, labels, { verbose: 0 })).rejects.toThrow(/^fit: could not grow memory/);
      expect(model.getWeights()).toEqual(weights);
      model.state.optimizerSlots().forEach((s, i) => expectSameBits(s, slots[i], `slot ${i}`));
    } finally {
      memory.grow = grow;
    }
    await model.fit(x, oneHot, { epochs: 1, batchSize: 8, verbose: 0 }); // still trains
  });

  it('models sharing a backend: the lower one cannot re-plan over the upper one; memory comes back as they are disposed', () => {
    const backend = createBackend();
    const a = new Sequential({ seed: 1, backend, name: 'lower' });
    a.add(new Dense(4, { inputDim: 3 }));
    const aWeights = a.getWeights();
    const b = new Sequential({ seed: 2, backend, name: 'upper' });
    b.add(new Dense(5, { inputDim: 3 }));
    const bWeights = b.getWeights();
    a.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => a.predict([[1, 2, 3]])).toThrow(
      "predict: this model shares its backend with model 'upper', created after it, whose memory lies above this model's; it cannot lay out its memory anew without overwriting that model. Dispose 'upper' first, or give each model its own backend (the default)",
    );
    expect(b.getWeights()).toEqual(bWeights);
    b.predict([[1, 2, 3]]); // the topmost may grow
    b.dispose();
    expect(a.predict([[1, 2, 3]]).shape).toEqual([1, 4]);
    expect(a.getWeights()).toEqual(aWeights);
    const top = backend.arena.top;
    a.dispose();
    expect(backend.arena.top).toBeLessThan(top);
  });

  it('dispose drops the instance and its memory (collectable while the model object is still referenced)', async () => {
    const model = wide();
    await model.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    const memory = new WeakRef(model.state.backend.arena.memory as object);
    model.dispose();
    expect(() => model.predict(x)).toThrow('predict: this model was disposed');
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest runs the unit project with --expose-gc').toBeTypeOf('function');
    // deref() keeps its target alive until the current job ends: collect first, look in a later job.
    for (let i = 0; i < 5; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(memory.deref()).toBeUndefined();
  });

  it('a model file whose model needs more than 4 GB for one row is refused before its weights are read', () => {
    const model = new Sequential({ seed: 1, backend: createJsBackend() });
    model.add(new Dense(1 << 20, { inputDim: 1 }));
    for (let i = 0; i < 3; i++) model.add(new Activation('relu'));
    const artifacts = model.toArtifacts() as ModelArtifacts & { modelTopology: { config: { layers: unknown[] } } };
    const layers = artifacts.modelTopology.config.layers;
    const relu = layers[1];
    for (let i = 0; i < 996; i++) layers.push({ ...(relu as object), config: { ...(relu as { config: object }).config, name: `relu_${i}` } });
    const error = (() => {
      try {
        fromArtifacts(artifacts);
      } catch (e) {
        return e as SinewError;
      }
    })();
    expect(error).toBeInstanceOf(SinewError);
    expect(error!.message).toMatch(/^fromArtifacts: expected `modelTopology` to be a model that fits in WebAssembly's 4 GB, received one that needs \d+\.\d GB to run a single row$/);
  });
});
