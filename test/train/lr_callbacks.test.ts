// LearningRateScheduler, ReduceLROnPlateau and TerminateOnNaN against Keras 3's semantics, with the
// learning rates they must set computed by hand from Keras's rules.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, SGD, LearningRateScheduler, ReduceLROnPlateau, TerminateOnNaN, callbacks, type Callback } from '../../src/index.js';
import { backendFor, blobs, initWasm } from '../helpers/models.js';

beforeAll(initWasm);

const { x, oneHot } = blobs(32, 3, 2, 4);

function model(lr = 0.1): Sequential {
  const m = new Sequential({ seed: 5, backend: backendFor('js') });
  m.add(new Dense(2, { inputDim: 3, activation: 'softmax' }));
  m.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'categoricalCrossentropy' });
  return m;
}

describe('learning-rate callbacks', () => {
  it('LearningRateScheduler sets the rate at each epoch start and logs learning_rate', async () => {
    const m = model();
    const rates: number[] = [];
    const spy: Callback = { onEpochBegin: () => void rates.push(m.optimizer!.learningRate) };
    const h = await m.fit(x, oneHot, { epochs: 4, verbose: 0, callbacks: [new LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr / 2)), spy] });
    expect(rates).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(h.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
    await expect(model().fit(x, oneHot, { verbose: 0, callbacks: [new LearningRateScheduler(() => NaN)] })).rejects.toThrow('LearningRateScheduler: expected `schedule` to return a finite number at epoch 0, received NaN');
  });

  it('ReduceLROnPlateau follows Keras: wait, reduce by factor, cooldown, minLr', () => {
    const m = model(1);
    const cb = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
    cb.setModel(m);
    cb.onTrainBegin();
    // A flat loss, and the rate Keras's on_epoch_end gives after each epoch: e0 best; e1 wait 1; e2 wait 2 →
    // 0.5, cooldown 1; e3 the cooldown ends (counter 0) and, no longer in cooldown, wait 1; e4 wait 2 → 0.25;
    // e5 wait 1; e6 → max(0.125, minLr 0.2) = 0.2; from then on the rate is at minLr and stays.
    const losses = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const want = [1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
    losses.forEach((loss, epoch) => {
      const logs: Record<string, number> = { loss };
      cb.onEpochEnd(epoch, logs);
      expect(m.optimizer!.learningRate, `after epoch ${epoch}`).toBe(want[epoch]);
    });
    // An improvement of more than minDelta resets the wait.
    const r = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.1, patience: 1, minDelta: 0.01 });
    const m2 = model(1);
    r.setModel(m2);
    r.onTrainBegin();
    r.onEpochEnd(0, { loss: 1 });
    r.onEpochEnd(1, { loss: 0.98 });
    expect(m2.optimizer!.learningRate).toBe(1);
    r.onEpochEnd(2, { loss: 0.975 }); // within minDelta of 0.98: no improvement
    expect(m2.optimizer!.learningRate).toBeCloseTo(0.1, 12);
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow('ReduceLROnPlateau: expected `factor` to be a number > 0 and < 1, received 1');
  });

  it('TerminateOnNaN ends training quietly at a non-finite loss (without it fit raises)', async () => {
    const diverging = () => {
      const m = new Sequential({ seed: 5, backend: backendFor('js') });
      m.add(new Dense(1, { inputDim: 3 }));
      m.compile({ optimizer: new SGD({ learningRate: 1e30 }), loss: 'mse' });
      return m;
    };
    const ys = x.map((r) => r[0]);
    const quiet = diverging();
    const h = await quiet.fit(x, ys, { epochs: 20, batchSize: 4, verbose: 0, callbacks: [callbacks.terminateOnNaN()] }).catch((e: Error) => e);
    expect(h).not.toBeInstanceOf(Error);
    expect(quiet.stopTraining).toBe(true);
    await expect(diverging().fit(x, ys, { epochs: 20, batchSize: 4, verbose: 0 })).rejects.toThrow(/^fit: the (loss|gradient) became/);
    expect(callbacks.earlyStopping({ patience: 2 }).patience).toBe(2);
    expect(callbacks.reduceLROnPlateau({ factor: 0.5 }).factor).toBe(0.5);
    expect(new TerminateOnNaN().terminatesOnNaN).toBe(true);
  });
});
