// Optimizers against Keras 3's formulas, step by step: a one-weight model whose loss is
// mse(w·1, 0) = w² (gradient 2w) is trained for 6 steps, and each optimizer's weight sequence is
// compared with the same formulas evaluated here in float64 (Keras golden tests use rtol = atol = 5e-4;
// float32 storage of w and the slots allows ~1e-6 relative here).

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, SGD, Adam, RMSprop, Adagrad, type Optimizer } from '../../src/index.js';
import { Adam as AdamDefaults } from '../../src/optimizers/adam.js';
import { initWasm, backendFor, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

type Reference = (w: number, g: number, t: number, s: number[]) => number;

const CASES: [string, () => Optimizer, Reference][] = [
  ['SGD', () => new SGD({ learningRate: 0.1 }), (w, g) => w - 0.1 * g],
  ['SGD momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 }), (w, g, _t, s) => {
    s[0] = 0.9 * (s[0] ?? 0) - 0.1 * g;
    return w + s[0];
  }],
  ['SGD Nesterov', () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), (w, g, _t, s) => {
    s[0] = 0.9 * (s[0] ?? 0) - 0.1 * g;
    return w + 0.9 * s[0] - 0.1 * g;
  }],
  ['Adagrad', () => new Adagrad({ learningRate: 0.1 }), (w, g, _t, s) => {
    s[0] = (s[0] ?? 0.1) + g * g; // initialAccumulatorValue 0.1
    return w - (0.1 * g) / Math.sqrt(s[0] + 1e-7);
  }],
  ['RMSprop', () => new RMSprop({ learningRate: 0.01 }), (w, g, _t, s) => {
    s[0] = 0.9 * (s[0] ?? 0) + 0.1 * g * g;
    return w - (0.01 * g) / Math.sqrt(s[0] + 1e-7);
  }],
  ['RMSprop momentum', () => new RMSprop({ learningRate: 0.01, momentum: 0.5 }), (w, g, _t, s) => {
    s[0] = 0.9 * (s[0] ?? 0) + 0.1 * g * g;
    s[1] = 0.5 * (s[1] ?? 0) + (0.01 * g) / Math.sqrt(s[0] + 1e-7);
    return w - s[1];
  }],
  ['Adam', () => new Adam({ learningRate: 0.1 }), (w, g, t, s) => {
    const { beta1, beta2, epsilon } = new AdamDefaults(); // Keras's defaults
    s[0] = (s[0] ?? 0) + (g - (s[0] ?? 0)) * (1 - beta1);
    s[1] = (s[1] ?? 0) + (g * g - (s[1] ?? 0)) * (1 - beta2);
    const alpha = (0.1 * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    return w - (alpha * s[0]) / (Math.sqrt(s[1]) + epsilon);
  }],
  ['SGD clipValue', () => new SGD({ learningRate: 0.1, clipValue: 0.5 }), (w, g) => w - 0.1 * Math.max(-0.5, Math.min(0.5, g))],
  ['SGD clipNorm', () => new SGD({ learningRate: 0.1, clipNorm: 1 }), (w, g) => w - 0.1 * (Math.abs(g) > 1 ? g / Math.abs(g) : g)],
  ['SGD globalClipNorm', () => new SGD({ learningRate: 0.1, globalClipNorm: 0.25 }), (w, g) => w - 0.1 * (Math.abs(g) > 0.25 ? (0.25 * g) / Math.abs(g) : g)],
];

describe.each(MODEL_BACKENDS)('optimizer updates on %s follow the Keras formulas', (backend) => {
  it.each(CASES)('%s', async (_name, make, reference) => {
    const model = new Sequential({ seed: 1, backend: backendFor(backend) });
    model.add(new Dense(1, { inputDim: 1, useBias: false }));
    model.setWeights([[[1.5]]]);
    const optimizer = make();
    model.compile({ optimizer, loss: 'mse' });
    let w = 1.5;
    const slots: number[] = [];
    for (let t = 1; t <= 6; t++) {
      await model.fit([[1]], [[0]], { epochs: 1, batchSize: 1, verbose: 0 });
      w = reference(w, 2 * w, t, slots); // d(w²)/dw = 2w
      expect(model.getWeights()[0].data[0]).toBeCloseTo(w, 5);
    }
    expect(optimizer.iterations).toBe(6);
  });
});

describe('optimizer objects', () => {
  it('one optimizer trains one model', () => {
    const adam = new Adam();
    const a = new Sequential({ seed: 1 });
    a.add(new Dense(1, { inputDim: 1 }));
    a.compile({ optimizer: adam, loss: 'mse' });
    const b = new Sequential({ seed: 1 });
    b.add(new Dense(1, { inputDim: 1 }));
    expect(() => b.compile({ optimizer: adam, loss: 'mse' })).toThrow('compile: this Adam optimizer already trains another model; create one optimizer per model');
    a.dispose();
    b.compile({ optimizer: adam, loss: 'mse' });
  });

  it('names resolve to Keras defaults', async () => {
    const { resolveOptimizer } = await import('../../src/optimizers/registry.js');
    expect(resolveOptimizer('adam').getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(resolveOptimizer('SGD').getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(resolveOptimizer('rmsprop').getConfig()).toMatchObject({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 });
    expect(resolveOptimizer('adagrad').getConfig()).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  });
});

describe('fit yields to the event loop', () => {
  it('timers run while a long fit is in progress', async () => {
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(64, { inputDim: 32, activation: 'relu' }));
    model.add(new Dense(1));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = Array.from({ length: 512 }, (_, i) => Array.from({ length: 32 }, (_, j) => Math.sin(i + j)));
    const y = x.map((r) => [r[0]]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    try {
      // 150 epochs: ~0.2 s here, so the > 60 ms precondition below holds with margin (40 epochs took 55–65 ms)
      await model.fit(x, y, { epochs: 150, batchSize: 8, verbose: 0 });
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThan(60); // long enough that it must have yielded (every ≥ 15 ms)
    expect(ticks).toBeGreaterThan(0);
  });
});
