// Resuming the training stream (the adversarial review's cases): fit({ seed }) then fit() equals one
// fit({ seed }) of all the epochs, in one process and through save → load; Keras's initialEpoch; a fit
// that fails before any update leaves the stream (and so later training) as it was; the stop messages
// say what happened.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, SGD, Adam, fromArtifacts, type Callback } from '../../src/index.js';
import { backendFor, blobs, expectSameWeights, initWasm, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

const { x, oneHot } = blobs(48, 5, 3, 8);

describe.each(MODEL_BACKENDS)('the training stream on %s', (backend) => {
  function model(): Sequential {
    const m = new Sequential({ seed: 3, backend: backendFor(backend) });
    m.add(new Dense(8, { inputDim: 5, activation: 'relu' }));
    m.add(new Dropout(0.3));
    m.add(new Dense(3, { activation: 'softmax' }));
    m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    return m;
  }

  it('fit({ seed: 11 }) for 2 epochs, then fit() for 2, equals fit({ seed: 11 }) for 4; also through save → load', async () => {
    const straight = model();
    await straight.fit(x, oneHot, { epochs: 4, batchSize: 8, seed: 11, verbose: 0 });
    const split = model();
    await split.fit(x, oneHot, { epochs: 2, batchSize: 8, seed: 11, verbose: 0 });
    const saved = split.toArtifacts({ includeOptimizer: true });
    await split.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    expectSameWeights(split, straight, 'in one process');
    const loaded = fromArtifacts(saved, { backend: backendFor(backend) });
    await loaded.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    expectSameWeights(loaded, straight, 'after save → load');
  });

  it('initialEpoch: fit({ epochs: 4, initialEpoch: 2 }) after 2 epochs equals 4 straight; history and callbacks number epochs from 2', async () => {
    const straight = model();
    await straight.fit(x, oneHot, { epochs: 4, batchSize: 8, verbose: 0 });
    const resumed = model();
    await resumed.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    const seen: number[] = [];
    const cb: Callback = { onEpochEnd: (e) => void seen.push(e) };
    const history = await resumed.fit(x, oneHot, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0, callbacks: [cb] });
    expect(history.epoch).toEqual([2, 3]);
    expect(seen).toEqual([2, 3]);
    expectSameWeights(resumed, straight, 'resumed at epoch 2');
    await expect(resumed.fit(x, oneHot, { epochs: 2, initialEpoch: 3, verbose: 0 })).rejects.toThrow('fit: expected `initialEpoch` to be at most `epochs` (2: the epoch to stop before), received 3');
  });

  it('a fit that fails before any update leaves the stream as it was: later training equals a fresh model\'s', async () => {
    const fresh = model();
    await fresh.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    const failed = model();
    const boom: Callback = { onBatchBegin: () => { throw new Error('stop before the first update'); } };
    await expect(failed.fit(x, oneHot, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [boom] })).rejects.toThrow('stop before the first update');
    expect(failed.epochsStarted).toBe(0);
    await failed.fit(x, oneHot, { epochs: 2, batchSize: 8, verbose: 0 });
    expectSameWeights(failed, fresh, 'after the failed fit');
  });

  it('seeds are integers in [0, 2^32 − 1]: 5 and 2^32 + 5 no longer alias', async () => {
    expect(() => new Sequential({ seed: 2 ** 32 + 5 })).toThrow('Sequential: expected `seed` to be an integer in [0, 4294967295], received 4294967301');
    expect(() => new Sequential({ seed: Date.now() })).toThrow('Sequential: expected `seed` to be an integer in [0, 4294967295]');
    expect(() => new Dropout(0.1, { seed: 1e300 })).toThrow('Dropout: expected `seed` to be an integer in [0, 4294967295], received 1e+300');
    await expect(model().fit(x, oneHot, { seed: -1, verbose: 0 })).rejects.toThrow('fit: expected `seed` to be a non-negative integer, received -1');
    // The largest seed builds, saves and loads.
    const big = new Sequential({ seed: 2 ** 32 - 1, backend: backendFor(backend) });
    big.add(new Dense(2, { inputDim: 2 }));
    big.add(new Dropout(0.5, { seed: 2 ** 32 - 1 }));
    big.compile({ optimizer: 'sgd', loss: 'mse' });
    const back = fromArtifacts(big.toArtifacts({ includeOptimizer: true }), { backend: backendFor(backend) });
    expect(back.seed).toBe(2 ** 32 - 1);
    expect((back.layers[1] as Dropout).seed).toBe(2 ** 32 - 1);
  });
});

describe('stop messages say what happened', () => {
  it('a loss of Infinity before any update is the data, not the learning rate', async () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(1, { inputDim: 2 }));
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit([[1, 2], [3, 4]], [1e20, 1e20], { verbose: 0 })).rejects.toThrow(
      'fit: the loss is Infinity at epoch 1, batch 1, before any update: the inputs or targets are too large for float32 arithmetic; standardise them (datasets.standardize) or scale the targets',
    );
  });

  it('an update that overflows the weights is reported as that, never as "the weights are still finite"', async () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(1, { inputDim: 2 }));
    m.compile({ optimizer: new SGD({ learningRate: 1e38 }), loss: 'mse' });
    const error = await m.fit([[1, 2], [3, 4], [5, 6], [7, 8]], [1, 2, 3, 4], { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^fit: the (loss|gradient) became (NaN|Infinity) at epoch \d, batch \d because the previous update made some weights non-finite \(learningRate 1e\+38 is far too large/);
  });
});
