// Loss/activation pairings against the classic task table (regression: linear + MSE; binary: one
// sigmoid + binary cross-entropy; multi-class: softmax + categorical cross-entropy; multi-label: a
// sigmoid per class + binary cross-entropy): each mistake warns once per model, with its exact
// text, at compile or, when the output size is known only then, at fit; legitimate uses stay silent.

import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { Activation, Dense, Dropout, Reshape, Sequential, Softmax, type LossSpec } from '../../src/index.js';
import { initWasm } from '../helpers/models.js';

beforeAll(initWasm);

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
const warnings = () => warn.mock.calls.map((c) => String(c[0]));

/** Dense(units, activation) on 2 inputs, compiled twice with `loss` (a warning must not repeat). */
function compiled(units: number, activation: string, loss: LossSpec): Sequential {
  const m = new Sequential({ seed: 1 });
  m.add(new Dense(units, { inputDim: 2, activation }));
  m.compile({ optimizer: 'sgd', loss });
  m.compile({ optimizer: 'sgd', loss });
  return m;
}

const probabilities = (loss: string, act: string) =>
  `sinew: '${loss}' expects probabilities that sum to 1 (a softmax output), but the last layer applies '${act}'; use activation 'softmax', or a linear output with { name: '${loss}', fromLogits: true }`;
const unitRange = (loss: string, act: string) =>
  `sinew: '${loss}' expects probabilities in [0, 1], but the last layer applies '${act}', whose outputs leave that range; use activation 'sigmoid' (one unit per label), or a linear output with { name: '${loss}', fromLogits: true }`;

describe('pairings that cannot train as meant warn once per model', () => {
  it.each([
    [1, 'softmax', 'categoricalCrossentropy', "sinew: 'categoricalCrossentropy' on a single output unit is almost surely a mistake (one class: the loss is constant); for two classes use one sigmoid unit with 'binaryCrossentropy'"],
    [1, 'linear', 'sparseCategoricalCrossentropy', "sinew: 'sparseCategoricalCrossentropy' on a single output unit is almost surely a mistake (one class: the loss is constant); for two classes use one sigmoid unit with 'binaryCrossentropy'"],
    [1, 'softmax', 'binaryCrossentropy', "sinew: softmax over a single unit always outputs 1, so 'binaryCrossentropy' cannot train it; use activation 'sigmoid'"],
    [1, 'softmax', 'mse', "sinew: softmax over a single unit always outputs 1, so 'mse' cannot train it; use activation 'linear' for a regression, or 'sigmoid' for a value in (0, 1)"],
    [3, 'linear', 'categoricalCrossentropy', probabilities('categoricalCrossentropy', 'linear')],
    [3, 'relu', 'categoricalCrossentropy', probabilities('categoricalCrossentropy', 'relu')],
    [3, 'sigmoid', 'categorical_crossentropy', probabilities('categorical_crossentropy', 'sigmoid')],
    [3, 'linear', 'sparseCategoricalCrossentropy', probabilities('sparseCategoricalCrossentropy', 'linear')],
    [1, 'linear', 'binaryCrossentropy', unitRange('binaryCrossentropy', 'linear')],
    [1, 'relu', 'binaryCrossentropy', unitRange('binaryCrossentropy', 'relu')],
    [3, 'tanh', 'binary_crossentropy', unitRange('binary_crossentropy', 'tanh')],
  ])('Dense(%i, %s) with %s', (units, activation, loss, message) => {
    compiled(units, activation, loss);
    expect(warnings()).toEqual([message]);
  });

  it.each([
    [3, 'softmax', { name: 'categoricalCrossentropy', fromLogits: true }, "sinew: loss 'categoricalCrossentropy' has fromLogits: true but the last layer applies 'softmax'; the activation is applied twice"],
    [1, 'sigmoid', { name: 'binaryCrossentropy', fromLogits: true }, "sinew: loss 'binaryCrossentropy' has fromLogits: true but the last layer applies 'sigmoid'; the activation is applied twice"],
  ])('Dense(%i, %s) with %o', (units, activation, loss, message) => {
    compiled(units, activation, loss);
    expect(warnings()).toEqual([message]);
  });

  it('an Activation or Softmax layer is the output activation too', () => {
    const m = new Sequential({ seed: 1, layers: [new Dense(3, { inputDim: 2 }), new Activation('relu')] });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const n = new Sequential({ seed: 1, layers: [new Dense(1, { inputDim: 2 }), new Softmax()] });
    n.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(warnings()).toEqual([probabilities('categoricalCrossentropy', 'relu'), "sinew: softmax over a single unit always outputs 1, so 'binaryCrossentropy' cannot train it; use activation 'sigmoid'"]);
  });

  it('warns at fit when the output size is known only then, and never again for that model', async () => {
    const m = new Sequential({ seed: 1, layers: [new Softmax()] }); // its output size is the input's
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(warnings()).toEqual([]);
    await m.fit([[0], [1]], [[1], [0]], { epochs: 1, verbose: 0 });
    await m.fit([[0], [1]], [[1], [0]], { epochs: 1, verbose: 0 });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(warnings()).toEqual(["sinew: softmax over a single unit always outputs 1, so 'binaryCrossentropy' cannot train it; use activation 'sigmoid'"]);
  });

  it('a later fit and compile of a model that warned at compile do not warn again', async () => {
    const m = compiled(3, 'linear', 'categoricalCrossentropy');
    const x = [[0, 1], [1, 0]];
    const y = [[1, 0, 0], [0, 1, 0]];
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(warnings()).toEqual([probabilities('categoricalCrossentropy', 'linear')]);
  });

  it('each model warns for itself', () => {
    compiled(3, 'linear', 'categoricalCrossentropy');
    compiled(3, 'linear', 'categoricalCrossentropy');
    expect(warnings()).toEqual([probabilities('categoricalCrossentropy', 'linear'), probabilities('categoricalCrossentropy', 'linear')]);
  });
});

describe('the classic pairings and other legitimate uses stay silent', () => {
  it.each([
    [1, 'linear', 'mse'], // regression
    [4, 'linear', 'meanAbsoluteError'], // multi-output regression
    [1, 'relu', 'mse'], // non-negative regression
    [1, 'sigmoid', 'mse'], // bounded regression
    [3, 'softmax', 'mse'], // a Brier-style score on probabilities
    [1, 'sigmoid', 'binaryCrossentropy'], // binary
    [3, 'sigmoid', 'binaryCrossentropy'], // multi-label
    [2, 'softmax', 'binaryCrossentropy'], // two complementary probabilities
    [3, 'softmax', 'categoricalCrossentropy'], // multi-class
    [3, 'softmax', 'sparseCategoricalCrossentropy'], // multi-class from class ids
    [3, 'linear', { name: 'categoricalCrossentropy', fromLogits: true }],
    [3, 'linear', { name: 'sparseCategoricalCrossentropy', fromLogits: true }],
    [1, 'linear', { name: 'binaryCrossentropy', fromLogits: true }],
  ] as [number, string, LossSpec][])('Dense(%i, %s) with %o', (units, activation, loss) => {
    compiled(units, activation, loss);
    expect(warnings()).toEqual([]);
  });

  it('a last layer whose activation is unknown here (Dropout, Reshape) says nothing', () => {
    const a = new Sequential({ seed: 1, layers: [new Dense(3, { inputDim: 2, activation: 'softmax' }), new Dropout(0.1)] });
    a.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const b = new Sequential({ seed: 1, layers: [new Dense(4, { inputDim: 2, activation: 'sigmoid' }), new Reshape({ targetShape: [2, 2] })] });
    b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(warnings()).toEqual([]);
  });

  it('softmax over a last axis longer than 1 is not a single unit, even on outputs of one value per row elsewhere', () => {
    const m = new Sequential({ seed: 1, layers: [new Reshape({ targetShape: [1, 2], inputShape: [2] }), new Softmax()] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(warnings()).toEqual([]);
  });
});
