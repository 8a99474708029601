// Whole-model gradients on the float64 twin: central finite differences of the reported loss (data
// loss + L1/L2 terms) against computeGradients for every activation × loss head, one SGD step
// checked by hand, and the vanishing-gradient story (sigmoid stack vs ReLU stack).

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Activation, SGD, l1l2 } from '../../src/index.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';
import { backendFor, blobs, initWasm, randomRows, MODEL_BACKENDS } from '../helpers/models.js';
import type { LossSpec } from '../../src/losses.js';

beforeAll(initWasm);

const ACTIVATIONS = ['linear', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'elu', 'gelu', 'silu', 'softmax'];

interface Head {
  what: string;
  out: string; // output activation
  loss: LossSpec;
  targets: 'real' | 'probs' | 'oneHot' | 'ids' | 'binary';
}
// Each loss form with the output activation that selects each code path of the engine
// (fused softmax+cce, fused sigmoid+bce, fromLogits forms, and plain loss + activation backward).
const HEADS: Head[] = [
  { what: 'mse on linear', out: 'linear', loss: 'meanSquaredError', targets: 'real' },
  { what: 'mae on tanh', out: 'tanh', loss: 'meanAbsoluteError', targets: 'real' },
  { what: 'bce on sigmoid (fused)', out: 'sigmoid', loss: 'binaryCrossentropy', targets: 'binary' },
  { what: 'bce on softmax (plain + softmax_backward)', out: 'softmax', loss: 'binaryCrossentropy', targets: 'binary' },
  { what: 'bce fromLogits', out: 'linear', loss: { name: 'binaryCrossentropy', fromLogits: true }, targets: 'binary' },
  { what: 'cce on softmax (fused)', out: 'softmax', loss: 'categoricalCrossentropy', targets: 'oneHot' },
  { what: 'cce on sigmoid (plain)', out: 'sigmoid', loss: 'categoricalCrossentropy', targets: 'oneHot' },
  { what: 'cce fromLogits', out: 'linear', loss: { name: 'categoricalCrossentropy', fromLogits: true }, targets: 'oneHot' },
  { what: 'sparse cce on softmax (fused)', out: 'softmax', loss: 'sparseCategoricalCrossentropy', targets: 'ids' },
  { what: 'sparse cce on sigmoid (plain)', out: 'sigmoid', loss: 'sparseCategoricalCrossentropy', targets: 'ids' },
  { what: 'sparse cce fromLogits', out: 'linear', loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true }, targets: 'ids' },
];

const M = 5;
const IN = 3;
const HIDDEN = 4;
const OUT = 3;

function targetsFor(kind: Head['targets']): number[][] | number[] {
  const { ids, oneHot } = blobs(M, IN, OUT, 7);
  if (kind === 'ids') return ids;
  if (kind === 'oneHot') return oneHot;
  if (kind === 'binary') return oneHot.map((r, i) => r.map((v, j) => ((i + j) % 2 === 0 ? 1 - v : v)));
  return randomRows(M, OUT, 11, -1, 1);
}

function checkModel(hidden: string, head: Head, asLayer = false): void {
  const model = new Sequential({ seed: 3, backend: backendFor('f64') });
  const reg = l1l2({ l1: 0.01, l2: 0.02 });
  // Weights of scale ~1 keep the activations away from saturation and from relu's kink at 0.
  model.add(new Dense(HIDDEN, { inputDim: IN, activation: hidden, kernelInitializer: 'randomNormal', biasInitializer: 'randomNormal', kernelRegularizer: reg, biasRegularizer: reg }));
  if (asLayer) {
    model.add(new Dense(OUT, { kernelRegularizer: reg }));
    model.add(new Activation(head.out));
  } else {
    model.add(new Dense(OUT, { activation: head.out, kernelRegularizer: reg }));
  }
  model.setWeights(model.getWeights().map((w, i) => ({ data: w.data.map((v, j) => (i % 2 === 0 ? 1 : 0.5) * Math.sin(3 * j + i + 1)), shape: w.shape })));
  model.compile({ optimizer: 'sgd', loss: head.loss });
  const x = randomRows(M, IN, 5);
  const y = targetsFor(head.targets);
  const params = model.parameterView();
  const start = Float64Array.from(params);
  const { gradients } = model.computeGradients(x, y);
  const f = (p: Float64Array) => {
    model.parameterView().set(p);
    return model.computeGradients(x, y).loss;
  };
  expectGradientsMatch(f, start, gradients, `${hidden} hidden, ${head.what}${asLayer ? ' (Activation layer)' : ''}`);
  model.dispose();
}

describe('whole-model gradients match central differences (float64 twin, L1/L2 on)', () => {
  for (const head of HEADS) {
    it(`every hidden activation with ${head.what}`, () => {
      for (const hidden of ACTIVATIONS) checkModel(hidden, head);
    });
  }
  it('every output activation with mean squared error', () => {
    for (const out of ACTIVATIONS) checkModel('tanh', { what: `mse on ${out}`, out, loss: 'mse', targets: 'real' });
  });
  it('a standalone Activation layer fuses and differentiates like a Dense activation', () => {
    for (const head of HEADS) checkModel('relu', head, true);
  });
});

describe('the float32 backends give the float64 gradients to float32 accuracy', () => {
  // Same weights (float32 values) on each backend; whole-model gradients differ only by float32
  // rounding of short sums and the WASM exp/log/tanh approximations (a few ULP each), so
  // |g32 − g64| ≤ 1e-6 + 1e-4·|g64| bounds them with room for the ~10 chained operations.
  const TOL = { atol: 1e-6, rtol: 1e-4 };
  for (const backend of MODEL_BACKENDS) {
    it(`${backend}: every hidden activation with every loss head`, () => {
      for (const head of HEADS) {
        for (const hidden of ACTIVATIONS) {
          const build = (b: 'wasm' | 'js' | 'f64') => {
            const model = new Sequential({ seed: 3, backend: backendFor(b) });
            const reg = l1l2({ l1: 0.01, l2: 0.02 });
            model.add(new Dense(HIDDEN, { inputDim: IN, activation: hidden, kernelRegularizer: reg }));
            model.add(new Dense(OUT, { activation: head.out, biasRegularizer: reg }));
            model.setWeights(model.getWeights().map((w, i) => ({ data: w.data.map((_, j) => Math.fround(0.8 * Math.sin(3 * j + i + 1))), shape: w.shape })));
            model.compile({ optimizer: 'sgd', loss: head.loss });
            return model;
          };
          const x = randomRows(M, IN, 5).map((r) => r.map(Math.fround));
          const y = targetsFor(head.targets);
          const ref = build('f64').computeGradients(x, y);
          const got = build(backend).computeGradients(x, y);
          expect(got.loss, `${hidden}, ${head.what}: loss`).toBeCloseTo(ref.loss, 5);
          got.gradients.forEach((g, i) => {
            const e = ref.gradients[i];
            if (!(Math.abs(g - e) <= TOL.atol + TOL.rtol * Math.abs(e))) throw new Error(`${backend} ${hidden}, ${head.what}: gradient ${i} is ${g}, float64 gives ${e}`);
          });
        }
      }
    });
  }
});

describe('one training step', () => {
  for (const backend of MODEL_BACKENDS) {
    it(`Dense → softmax → categorical cross-entropy with SGD moves the weights by −lr·gradient (${backend})`, () => {
      const model = new Sequential({ seed: 1, backend: backendFor(backend) });
      model.add(new Dense(2, { inputDim: 2, activation: 'softmax' }));
      model.setWeights([[[0.5, -0.5], [0.25, 1]], [0.1, -0.1]]);
      model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categoricalCrossentropy' });
      const x = [[1, 2], [-1, 0.5]];
      const y = [[1, 0], [0, 1]];
      // Hand computation in float64: z = xW + b, p = softmax(z), dZ = (p − y)/M, dW = xᵀdZ, db = Σ dZ.
      const W = [[0.5, -0.5], [0.25, 1]];
      const b = [0.1, -0.1];
      const dW = [[0, 0], [0, 0]];
      const db = [0, 0];
      x.forEach((row, i) => {
        const z = [0, 1].map((j) => row[0] * W[0][j] + row[1] * W[1][j] + b[j]);
        const e = z.map(Math.exp);
        const p = e.map((v) => v / (e[0] + e[1]));
        const dz = p.map((v, j) => (v - y[i][j]) / x.length);
        for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) dW[k][j] += row[k] * dz[j];
        dz.forEach((v, j) => (db[j] += v));
      });
      return model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 }).then(() => {
        const [kernel, bias] = model.getWeights();
        const expected = [W[0][0] - 0.5 * dW[0][0], W[0][1] - 0.5 * dW[0][1], W[1][0] - 0.5 * dW[1][0], W[1][1] - 0.5 * dW[1][1]];
        // float32 arithmetic on a handful of terms: a few ULP of 1.
        for (let i = 0; i < 4; i++) expect(kernel.data[i]).toBeCloseTo(expected[i], 6);
        expect(bias.data[0]).toBeCloseTo(b[0] - 0.5 * db[0], 6);
        expect(bias.data[1]).toBeCloseTo(b[1] - 0.5 * db[1], 6);
        expect(model.optimizer!.iterations).toBe(1);
      });
    });
  }
});

describe('vanishing gradients', () => {
  it("the first layer's gradient norm is much smaller in a sigmoid stack than in a ReLU stack", async () => {
    const { x, oneHot } = blobs(128, 8, 3, 21);
    const firstLayerNorm = async (activation: string, kernelInitializer: string) => {
      const model = new Sequential({ seed: 5 });
      model.add(new Dense(32, { inputDim: 8, activation, kernelInitializer }));
      for (let i = 0; i < 5; i++) model.add(new Dense(32, { activation, kernelInitializer }));
      model.add(new Dense(3, { activation: 'softmax' }));
      model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
      const history = await model.fit(x, oneHot, { epochs: 1, batchSize: 32, verbose: 0 });
      const first = history.gradNorm[0][0];
      const last = history.gradNorm[6][0];
      model.dispose();
      return { first, last };
    };
    const sigmoid = await firstLayerNorm('sigmoid', 'glorotUniform');
    const relu = await firstLayerNorm('relu', 'heNormal');
    // Each sigmoid layer scales the backward signal by at most σ' ≤ 1/4: six layers shrink it ~10³×.
    expect(sigmoid.first / sigmoid.last).toBeLessThan(0.01);
    expect(relu.first / relu.last).toBeGreaterThan(0.1);
    expect(relu.first).toBeGreaterThan(50 * sigmoid.first);
  });
});
