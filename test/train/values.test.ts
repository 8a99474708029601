// Values at the edges (the adversarial review's cases): setWeights refuses what fit refuses; targets
// of categorical cross-entropy must be probabilities; save refuses a diverged model before touching
// anything; and what construction accepts, loading accepts — random models at the limits round-trip.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, LeakyReLU, Activation, BatchNormalization, fromArtifacts } from '../../src/index.js';
import { Rng } from '../../src/random.js';
import { backendFor, expectSameWeights, initWasm } from '../helpers/models.js';

beforeAll(initWasm);

function small(): Sequential {
  const m = new Sequential({ seed: 1, backend: backendFor('js') });
  m.add(new Dense(2, { inputDim: 2, name: 'd' }));
  return m;
}

describe('values', () => {
  it.each([['1'], [true], [null], [''], [new Date(5)], ['0x10']])('setWeights refuses %j instead of converting it', (bad) => {
    const m = small();
    const before = m.getWeights();
    expect(() => m.setWeights([[[1, 2], [3, bad as unknown as number]], [0, 0]])).toThrow(/^setWeights: expected weights\[0\] \(d\/kernel\) to hold finite numbers, received .* at index 3$/);
    expect(m.getWeights()).toEqual(before);
  });

  it('setWeights refuses values beyond float32 (1e39 would become Infinity)', () => {
    expect(() => small().setWeights([[[1, 2], [3, 1e39]], [0, 0]])).toThrow('setWeights: expected weights[0] (d/kernel) to hold finite numbers (finite in float32: at most 3.4e38 in magnitude), received 1e+39 at index 3');
  });

  it('categorical cross-entropy refuses targets outside [0, 1], as binary cross-entropy does', async () => {
    const m = new Sequential({ seed: 1, backend: backendFor('js') });
    m.add(new Dense(3, { inputDim: 2, activation: 'softmax' }));
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(m.fit([[1, 2]], [[5, -3, 0]], { verbose: 0 })).rejects.toThrow('fit: categoricalCrossentropy expects `y` in [0, 1], received 5 at row 0, column 0');
    expect(() => m.evaluate([[1, 2]], [[0.5, 0.5, -0.1]])).toThrow('evaluate: categoricalCrossentropy expects `y` in [0, 1], received -0.1 at row 0, column 2');
  });

  it('save refuses non-finite weights before touching the files (a good checkpoint is never replaced by one loadModel refuses)', async () => {
    const m = small();
    m.state.view(m.state.tensors()[0])[1] = Infinity; // a diverged model
    let handed = false;
    await expect(m.save(() => void (handed = true))).rejects.toThrow(
      'save: the model holds a non-finite value (Infinity at index 1 of d/kernel); nothing was saved. Training diverged: restore a checkpoint, or use a smaller learningRate or clipNorm',
    );
    expect(handed).toBe(false);
  });

  it('what construction accepts, loading accepts: random models at the limits round-trip', () => {
    const rng = new Rng(77);
    const pick = <T>(xs: T[]) => xs[Math.floor(rng.uniform() * xs.length)];
    for (let trial = 0; trial < 40; trial++) {
      const name = (len: number) => Array.from({ length: len }, () => pick(['a', 'b', '_', 'é', '1'])).join('');
      const m = new Sequential({ seed: pick([0, 1, 2 ** 31, 2 ** 32 - 1]), name: name(pick([1, 256])), backend: backendFor('js') });
      m.add(new Dense(pick([1, 3]), { inputShape: pick([[2], [2, 3], [1, 1, 1, 1, 1, 1, 1, 4]]), name: name(256), activation: { name: 'leakyRelu', alpha: pick([0, 1e6]) } }));
      m.add(new Dropout(pick([0, 0.999]), { seed: pick([0, 2 ** 31, 2 ** 32 - 1]) }));
      m.add(new LeakyReLU({ alpha: pick([0, 1e6]) }));
      m.add(new BatchNormalization({ epsilon: pick([1e-3, 1e6]), momentum: pick([0, 0.999]) }));
      m.add(new Activation({ name: 'elu', alpha: pick([0, 1e6]) }));
      const back = fromArtifacts(m.toArtifacts(), { backend: backendFor('js') });
      expect(back.name).toBe(m.name);
      expect(back.seed).toBe(m.seed);
      expect(back.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
      expectSameWeights(back, m, `trial ${trial}`);
    }
    expect(() => new Dense(2 ** 20 + 1)).toThrow('Dense: expected `units` to be at most 1048576, received 1048577');
    expect(() => new Dense(2, { name: 'x'.repeat(257) })).toThrow('Dense: expected `name` to have at most 256 characters (what a model file may hold), received 257');
    expect(() => new LeakyReLU({ alpha: 1e7 })).toThrow('LeakyReLU: expected `alpha` to be a number ≥ 0 and ≤ 1000000, received 10000000');
    const twice = new Sequential();
    twice.add(new Dense(2, { inputDim: 2, name: 'x' }));
    expect(() => twice.add(new Dense(2, { name: 'x' }))).toThrow("add: a layer named 'x' is already in this model; layer names must be unique");
    const deep = new Sequential({ backend: backendFor('js') });
    deep.add(new Activation('relu', { inputDim: 1 }));
    for (let i = 1; i < 1000; i++) deep.add(new Activation('relu'));
    expect(() => deep.add(new Activation('relu'))).toThrow('add: a model holds at most 1000 layers (what a model file may describe), received layer 1001');
    expect(fromArtifacts(deep.toArtifacts(), { backend: backendFor('js') }).layers.length).toBe(1000);
  });
});
