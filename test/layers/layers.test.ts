// Layers, initializers, regularizers and activations by name: Keras defaults, initializer
// statistics, dropout masks, and regularisation terms in the reported loss.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, l1, l2, l1l2, glorotUniform, heNormal, glorotNormal, heUniform, randomNormal, randomUniform, ones, zeros } from '../../src/index.js';
import { resolveActivation, type ActivationSpec } from '../../src/activations.js';
import { Rng } from '../../src/random.js';
import { backendFor, initWasm, MODEL_BACKENDS, randomRows } from '../helpers/models.js';
import { createBackend } from '../../src/runtime/init.js';

beforeAll(initWasm);

function stats(v: ArrayLike<number>) {
  const a = Array.from(v);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  return { mean, sd, min: Math.min(...a), max: Math.max(...a) };
}

describe('Dense', () => {
  it('defaults follow Keras: linear, bias on, glorotUniform kernel, zeros bias', () => {
    expect(new Dense(3).getConfig()).toMatchObject({ units: 3, activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' });
  });

  it('leakyRelu takes its slope from { name, alpha }; the Keras 3 default slope is 0.2', () => {
    expect(resolveActivation('leakyRelu').alpha).toBe(0.2);
    expect(resolveActivation('leaky_relu').name).toBe('leakyRelu');
    const model = new Sequential({ seed: 1 });
    model.add(new Dense(2, { inputDim: 2, activation: { name: 'leakyRelu', alpha: 0.1 } }));
    model.setWeights([[[1, -2], [3, -4]], [5, -6]]);
    // z = [10, −12] → [10, −1.2]
    const out = model.predict([[-1, 2]]).data;
    expect(out[0]).toBe(10);
    expect(out[1]).toBeCloseTo(-1.2, 6);
    expect(() => new Dense(2, { activation: { name: 'relu', alpha: 1 } })).toThrow("Dense: activation 'relu' takes no `alpha`, received 1");
    expect(() => new Dense(2, { activation: { name: 'elu', alpha: -1 } })).toThrow('Dense: expected `alpha` to be a number ≥ 0, received -1');
  });
});

describe('initializers (Keras formulas, seeded)', () => {
  const draw = (init: ReturnType<typeof glorotUniform>, fanIn: number, fanOut: number, seed = 1) => {
    const out = new Float64Array(fanIn * fanOut);
    init.fill(out, 0, out.length, fanIn, fanOut, new Rng(seed));
    return out;
  };
  it('glorotUniform is uniform in ±sqrt(6 / (fanIn + fanOut))', () => {
    const limit = Math.sqrt(6 / (200 + 100));
    const s = stats(draw(glorotUniform(), 200, 100));
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.sd).toBeCloseTo(limit / Math.sqrt(3), 3); // uniform: sd = limit/√3
  });
  it('heNormal has stddev sqrt(2 / fanIn) and is truncated at two of its pre-correction stddevs', () => {
    const s = stats(draw(heNormal(), 200, 100));
    const sd = Math.sqrt(2 / 200);
    expect(s.sd).toBeCloseTo(sd, 3);
    expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual((2 * sd) / 0.87962566103423978);
    expect(stats(draw(glorotNormal(), 200, 100)).sd).toBeCloseTo(Math.sqrt(2 / 300), 3);
    expect(stats(draw(heUniform(), 200, 100)).max).toBeLessThanOrEqual(Math.sqrt(6 / 200));
  });
  it('randomNormal, randomUniform, ones, zeros', () => {
    const n = stats(draw(randomNormal({ mean: 1, stddev: 0.5 }), 100, 100));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.sd).toBeCloseTo(0.5, 2);
    const u = stats(draw(randomUniform({ minval: 2, maxval: 3 }), 100, 100));
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
    expect(draw(ones(), 2, 2)).toEqual(new Float64Array([1, 1, 1, 1]));
    expect(draw(zeros(), 2, 2)).toEqual(new Float64Array(4));
  });
  it('the same seed gives the same draws; layers of one model get different streams', () => {
    expect(draw(heNormal(), 10, 10, 7)).toEqual(draw(heNormal(), 10, 10, 7));
    const model = new Sequential({ seed: 3 });
    model.add(new Dense(4, { inputDim: 4 }));
    model.add(new Dense(4));
    const [a, , b] = model.getWeights();
    expect(a.data).not.toEqual(b.data);
  });
});

describe.each(MODEL_BACKENDS)('Dense training forward on %s', (backend) => {
  // Training writes A with the one-pass dense_forward epilogue unless the backward needs Z; the result
  // must be bit for bit the inference forward and the two-pass Z → activation_forward it replaced.
  const cases: [string, ActivationSpec, number][] = [
    ['relu', 'relu', 2], ['linear', 'linear', 2], ['leakyRelu', { name: 'leakyRelu', alpha: 0.1 }, 2], ['sigmoid (hidden)', 'sigmoid', 2],
    ['tanh', 'tanh', 2], ['elu', 'elu', 2], ['gelu (keeps Z)', 'gelu', 3], ['silu (keeps Z)', 'silu', 3],
  ];
  it.each(cases)('%s: training output equals the fused inference output and Z → activation_forward exactly', (_, activation, buffers) => {
    const M = 13; // odd: the activation tails run too
    const model = new Sequential({ seed: 4, backend: backendFor(backend) });
    const layer = new Dense(10, { inputDim: 7, activation });
    model.add(layer);
    model.add(new Dense(3, { activation: 'softmax' }));
    const plan = model.state.ensurePlan({ batchCap: M });
    const b = plan.layers[0];
    // A, its gradient, and Z only where kept.
    expect(2 + b.saved.length).toBe(buffers); // no Z buffer where the backward reads only A
    const { kernels: k, arena } = model.state.backend;
    const x = plan.xBatch;
    arena.heap().set(Float32Array.from(randomRows(M, 7, 11).flat().map((v) => v * 4)), x >> 2);
    const read = (ptr: number) => Float32Array.from(arena.heap().subarray(ptr >> 2, (ptr >> 2) + M * 10));
    const trained = read(layer.forward(k, b, x, M, true));
    const inferred = read(layer.forward(k, b, x, M, false));
    const act = resolveActivation(activation, 'test');
    const z = arena.alloc(M * 10);
    k.dense_forward(z, x, b.w[0], b.w[1], M, 7, 10, 0, 0);
    k.activation_forward(z, z, M * 10, act.code, act.alpha);
    expect(trained.some((v) => v !== 0)).toBe(true);
    expect(trained).toEqual(inferred);
    expect(trained).toEqual(read(z));
  });
  it('a sigmoid output layer keeps Z (the sigmoid + binaryCrossentropy head reads the logits); a softmax layer does not', () => {
    const model = new Sequential({ seed: 4, backend: backendFor(backend) });
    const hidden = new Dense(5, { inputDim: 3, activation: 'softmax' });
    const out = new Dense(2, { activation: 'sigmoid' });
    model.add(hidden);
    model.add(out);
    const plan = model.state.ensurePlan({ batchCap: 4 });
    expect(plan.layers.map((b) => 2 + b.saved.length)).toEqual([2, 3]);
  });
});

describe.each(MODEL_BACKENDS)('Dropout on %s', (backend) => {
  it('zeroes about `rate` of the values in training and scales the rest by 1/(1 − rate), reproducibly', () => {
    const b = backend === 'js' ? backendFor('js')! : createBackend();
    const layer = new Dropout(0.3);
    const M = 50;
    const N = 40;
    layer.inputShape = layer.outputShape = [N];
    const x = b.arena.alloc(M * N);
    const bufs = { w: [], dw: [], y: b.arena.alloc(M * N), saved: [b.arena.alloc(M * N)], dy: b.arena.alloc(M * N) };
    b.arena.heap().fill(2, x >> 2, (x >> 2) + M * N);
    layer.maskSeed = 123;
    const run = () => {
      layer.maskOffset = 0;
      const out = layer.forward(b.kernels, bufs, x, M, true) >> 2;
      return Array.from(b.arena.heap().subarray(out, out + M * N));
    };
    const first = run();
    const zeros = first.filter((v) => v === 0).length / first.length;
    expect(zeros).toBeGreaterThan(0.25);
    expect(zeros).toBeLessThan(0.35);
    expect(first.filter((v) => v !== 0).every((v) => Math.abs(v - 2 / 0.7) < 1e-6)).toBe(true);
    expect(run()).toEqual(first); // same seed and offset: same mask
    expect(layer.maskOffset).toBe(M * N); // the offset advances by the element count
    expect(layer.forward(b.kernels, bufs, x, M, false)).toBe(x); // inference: the input pointer, no copy
  });
});

describe('regularizers', () => {
  it('l1, l2 and l1l2 take Keras defaults and TF.js object forms', () => {
    expect(l1()).toEqual({ l1: 0.01, l2: 0 });
    expect(l2(1e-4)).toEqual({ l1: 0, l2: 1e-4 });
    expect(l2({ l2: 0.5 })).toEqual({ l1: 0, l2: 0.5 });
    expect(l1l2({ l1: 0.1 })).toEqual({ l1: 0.1, l2: 0 });
    expect(() => l2(-1)).toThrow('l2: expected `l2` to be a number ≥ 0, received -1');
  });

  it('the reported loss includes λ1·Σ|w| + λ2·Σw² of regularised tensors (Keras)', () => {
    const build = (reg: boolean) => {
      const model = new Sequential({ seed: 9 });
      model.add(new Dense(3, { inputDim: 2, kernelRegularizer: reg ? l1l2({ l1: 0.1, l2: 0.2 }) : undefined, biasRegularizer: reg ? l2(0.3) : undefined }));
      model.setWeights([[[1, -2, 0.5], [3, -4, 0]], [0.5, -1, 2]]);
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      return model;
    };
    const x = randomRows(6, 2, 1);
    const y = randomRows(6, 3, 2);
    const penalty = 0.1 * (1 + 2 + 0.5 + 3 + 4) + 0.2 * (1 + 4 + 0.25 + 9 + 16) + 0.3 * (0.25 + 1 + 4);
    expect(build(true).evaluate(x, y).loss - build(false).evaluate(x, y).loss).toBeCloseTo(penalty, 5);
  });
});
