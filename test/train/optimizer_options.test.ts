// Optimizer options come from one schema per class: the constructor checks every option against it
// (ranges, booleans, finite in float32, epsilon > 0 where 0 would divide 0 by 0), getConfig() lists
// every option, and a saved compile record brings back an equal optimizer for every registered class.

import { describe, it, expect } from 'vitest';
import { Adam, Adagrad, RMSprop, SGD, Sequential, Dense, fromArtifacts } from '../../src/index.js';
import { OPTIMIZER_CLASS_NAMES, optimizerClass } from '../../src/optimizers/registry.js';
import { backendFor } from '../helpers/models.js';

describe('optimizer option schemas', () => {
  it('refuses values that are not finite in float32 and an epsilon of 0, before anything changes', () => {
    expect(() => new SGD({ learningRate: 1e39 })).toThrow('SGD: expected `learningRate` to be finite in float32 (at most 3.4e38), received 1e+39');
    expect(() => new Adam({ clipValue: 4e38 })).toThrow('Adam: expected `clipValue` to be finite in float32 (at most 3.4e38), received 4e+38');
    expect(() => new Adam({ epsilon: 0 })).toThrow('Adam: expected `epsilon` to be a number > 0, received 0');
    expect(() => new RMSprop({ epsilon: 0 })).toThrow('RMSprop: expected `epsilon` to be a number > 0, received 0');
    expect(() => new Adagrad({ epsilon: 0 })).toThrow('Adagrad: expected `epsilon` to be a number > 0, received 0');
    expect(() => new SGD({ nesterov: 1 as unknown as boolean })).toThrow('SGD: expected `nesterov` to be a boolean, received 1');
  });

  it.each(OPTIMIZER_CLASS_NAMES)('%s: getConfig() lists every schema option, and a saved compile record rebuilds the same optimizer', (className) => {
    const entry = optimizerClass(className)!;
    // Every option set to a legal non-default value (booleans flipped, numbers nudged inside their range).
    const options: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(entry.schema)) {
      if (key === 'globalClipNorm') continue; // excludes clipNorm
      if (spec.kind === 'boolean') options[key] = !spec.default;
      else options[key] = spec.default === undefined ? 0.5 : spec.max !== undefined ? Math.min(spec.default + 0.05, (spec.max + spec.default) / 2) : spec.default * 1.5 + 0.01;
    }
    const optimizer = entry.make(options);
    expect(optimizer.constructor.name).toBe(className);
    expect(Object.keys(optimizer.getConfig()).sort()).toEqual(Object.keys(options).sort());
    const model = new Sequential({ seed: 1, backend: backendFor('js') });
    model.add(new Dense(2, { inputDim: 3 }));
    model.compile({ optimizer, loss: 'mse' });
    const back = fromArtifacts(model.toArtifacts({ includeOptimizer: true }), { backend: backendFor('js') });
    expect(back.optimizer!.constructor.name).toBe(className);
    expect(back.optimizer!.getConfig()).toEqual(optimizer.getConfig());
    expect(back.optimizer!.slotNames()).toEqual(optimizer.slotNames());
  });
});

describe('AdamW and weightDecay (Keras 3: w ← w − w·wd·lr after clipping, before the update)', () => {
  it('three AdamW steps equal the Keras sequence computed in float64', async () => {
    const { AdamW, Sequential: S, Dense: D } = await import('../../src/index.js');
    const m = new S({ seed: 1, backend: backendFor('js') });
    m.add(new D(1, { inputDim: 1, useBias: false, kernelInitializer: 'ones' }));
    const lr = 0.1;
    const wd = 0.05;
    m.compile({ optimizer: new AdamW({ learningRate: lr, weightDecay: wd }), loss: 'mse' });
    // Loss (2w − 0)², so g = 8w, taken at the weights before the decay.
    let w = 1;
    let mom = 0;
    let v = 0;
    for (let t = 1; t <= 3; t++) {
      const g = 8 * w;
      w = w - w * wd * lr;
      mom += (g - mom) * (1 - 0.9);
      v += (g * g - v) * (1 - 0.999);
      w -= ((lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t)) * (mom / (Math.sqrt(v) + 1e-7));
      m.trainOnBatch([[2]], [0]);
      expect(m.getWeights()[0].data[0]).toBeCloseTo(w, 6);
    }
    expect(new AdamW().weightDecay).toBe(0.004); // Keras 3's default
    expect(m.toArtifacts({ includeOptimizer: true }).trainingConfig).toBeUndefined(); // TF.js has no weight decay
    expect(() => new AdamW({ weightDecay: -1 })).toThrow('AdamW: expected `weightDecay` to be a number ≥ 0, received -1');
  });
});
