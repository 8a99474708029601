// Bad input: every mistake below throws an Error naming the argument, the expectation
// and the received value, before any state changes — a model that saw a failed call trains exactly
// like a fresh one. Likely-mistaken loss/activation pairings warn once.

import { describe, it, expect, beforeAll, vi } from 'vitest';
import { Sequential, Dense, Dropout, Activation, SGD, Adam, layers, SinewError, fromArtifacts, loadModel } from '../../src/index.js';
import { blobs, initWasm } from '../helpers/models.js';

beforeAll(initWasm);

function model(seed = 7): Sequential {
  const m = new Sequential({ seed });
  m.add(new Dense(6, { inputDim: 4, activation: 'relu' }));
  m.add(new Dense(3, { activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}
const { x, ids, oneHot } = blobs(12, 4, 3, 1);

describe('constructor and compile arguments', () => {
  it.each([
    [() => new Dense(0), 'Dense: expected `units` to be a positive integer, received 0'],
    [() => new Dense(2.5), 'Dense: expected `units` to be a positive integer, received 2.5'],
    [() => new Dense(3, { activation: 'rleu' }), "unknown activation 'rleu'; did you mean 'relu'? Known: linear, relu, leakyRelu, sigmoid, tanh, elu, gelu, silu, softmax"],
    [() => new Dense(3, { kernelInitializer: 'glorotUnifrom' }), "unknown initializer 'glorotUnifrom'; did you mean 'glorotUniform'?"],
    [() => new Dense(3, { inputShape: [2, 0] }), 'Dense: expected `inputShape[1]` to be a positive integer, received 0'],
    [() => new Dense(3, { inputShape: [] }), 'Dense: expected `inputShape` to be a per-sample shape such as [features] or [28, 28], received []'],
    [() => new Dense(3, { activaton: 'relu' } as never), 'Dense: unknown option `activaton`; did you mean `activation`?'],
    [() => new Dropout(1), 'Dropout: expected `rate` to be a number ≥ 0 and < 1, received 1'],
    [() => new Dropout(-0.1), 'Dropout: expected `rate` to be a number ≥ 0 and < 1, received -0.1'],
    [() => layers.dropout({ rate: NaN }), 'Dropout: expected `rate` to be a number ≥ 0 and < 1, received NaN'],
    [() => new Activation('softmx'), "unknown activation 'softmx'; did you mean 'softmax'?"],
    [() => new SGD({ learningRate: 0 }), 'SGD: expected `learningRate` to be a number > 0, received 0'],
    [() => new Adam({ learningRate: -1 }), 'Adam: expected `learningRate` to be a number > 0, received -1'],
    [() => new Adam({ beta1: 1 }), 'Adam: expected `beta1` to be a number ≥ 0 and < 1, received 1'],
    [() => new Adam({ learning_rate: 0.1 } as never), 'Adam: unknown option `learning_rate`; did you mean `learningRate`?'],
    [() => new SGD({ clipNorm: 1, globalClipNorm: 1 }), 'SGD: set only one of `clipNorm` (per tensor) and `globalClipNorm` (whole model)'],
  ])('%#: %s', (make, message) => {
    expect(make).toThrow(message);
  });

  it('compile rejects unknown optimizer, loss and metric names with a suggestion', () => {
    const m = model();
    expect(() => m.compile({ optimizer: 'adma', loss: 'mse' })).toThrow("unknown optimizer 'adma'; did you mean 'adam'? Known: sgd, adagrad, rmsprop, adam");
    expect(() => m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropi' })).toThrow("unknown loss 'categoricalCrossentropi'; did you mean 'categoricalCrossentropy'?");
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy'] })).toThrow("compile: metric 'accuracy' needs a classification loss");
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow("unknown metric 'acuracy'; did you mean 'accuracy'?");
  });

  it('layer shape mismatches are caught when the layer is added', () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(6, { inputDim: 4 }));
    expect(() => m.add(new Dense(3, { inputDim: 5 }))).toThrow("add: layer 'dense_");
    expect(() => m.add(new Dense(3, { inputDim: 5 }))).toThrow('expects an input width of 5, but the previous layer outputs 6');
    expect(m.layers).toHaveLength(1);
    const used = new Dense(2);
    m.add(used);
    expect(() => new Sequential({ seed: 1 }).add(used)).toThrow('already belongs to a model');
  });
});

describe('data given to fit, evaluate and predict', () => {
  const cases: [string, (m: Sequential) => Promise<unknown> | unknown, string | RegExp][] = [
    ['fit before compile', () => {
      const m = new Sequential({ seed: 1 });
      m.add(new Dense(3, { inputDim: 4 }));
      return m.fit(x, oneHot, { verbose: 0 });
    }, 'fit: call compile({ optimizer, loss, metrics }) before fit'],
    ['evaluate before compile', () => {
      const m = new Sequential({ seed: 1 });
      m.add(new Dense(3, { inputDim: 4 }));
      return m.evaluate(x, oneHot);
    }, 'evaluate: call compile({ optimizer, loss, metrics }) before evaluate'],
    ['predict with no layers', () => new Sequential({ seed: 1 }).predict(x), 'predict: the model has no layers'],
    ['predict before the input size is known', () => {
      const m = new Sequential({ seed: 1 });
      m.add(new Dense(3));
      return m.predict(x);
    }, 'predict: the input size is not known yet, so the model has no weights; give the first layer `inputDim` (or `inputShape`), or call fit first'],
    ['weights before the input width is known', () => {
      const m = new Sequential({ seed: 1 });
      m.add(new Dense(3));
      return m.getWeights();
    }, 'getWeights: the weights are not built yet because the input width is unknown'],
    ['x width vs the input layer', (m) => m.fit(x.map((r) => r.slice(1)), oneHot, { verbose: 0 }), "fit: expected `x` to have 4 columns (the model's input width), received 3"],
    ['x vs y rows', (m) => m.fit(x, oneHot.slice(1), { verbose: 0 }), 'fit: expected `y` to have as many rows as x (12), received 11'],
    ['y width vs output units', (m) => m.fit(x, oneHot.map((r) => [...r, 0]), { verbose: 0 }), 'fit: expected `y` to have 3 columns (the output units), received 4'],
    ['class ids with a one-hot loss', (m) => m.fit(x, ids, { verbose: 0 }), /received 1; for class ids use sparseCategoricalCrossentropy/],
    ['ragged x', (m) => m.fit([[1, 2, 3, 4], [1, 2]], [[1, 0, 0], [0, 1, 0]], { verbose: 0 }), 'fit: expected every row of `x` to have 4 values (as row 0), received [1, 2] at row 1'],
    ['NaN in x', (m) => m.fit(x.map((r, i) => (i === 5 ? [r[0], NaN, r[2], r[3]] : r)), oneHot, { verbose: 0 }), 'fit: expected `x` to hold finite numbers, received NaN at row 5, column 1'],
    ['Infinity in y', (m) => m.fit(x, oneHot.map((r, i) => (i === 2 ? [Infinity, 0, 0] : r)), { verbose: 0 }), 'fit: expected `y` to hold finite numbers, received Infinity at row 2, column 0'],
    ['NaN in a Matrix', (m) => m.predict({ data: new Float32Array([1, 2, 3, NaN]), shape: [1, 4] }), 'predict: expected `x` to hold finite numbers, received NaN at row 0, column 3'],
    // Float arrays are checked 4 values at a time; the culprit must still be located exactly, wherever it is.
    ['−Infinity inside a Float32Array block', (m) => m.predict({ data: new Float32Array(12).fill(0.5).fill(-Infinity, 6, 7), shape: [3, 4] }), 'predict: expected `x` to hold finite numbers, received -Infinity at row 1, column 2'],
    ['NaN in a Float64Array after an Infinity-free prefix', (m) => m.predict({ data: new Float64Array(12).fill(3e38).fill(NaN, 9, 10), shape: [3, 4] }), 'predict: expected `x` to hold finite numbers, received NaN at row 2, column 1'],
    ['a value beyond float32 in a Float64Array', (m) => m.predict({ data: new Float64Array(12).fill(1).fill(1e39, 5, 6), shape: [3, 4] }), 'predict: expected `x` to hold finite numbers (finite in float32: at most 3.4e38 in magnitude), received 1e+39 at row 1, column 1'],
    ['a value beyond float32 in nested rows', (m) => m.fit([[1, 2, 3, -1e39]], [[1, 0, 0]], { verbose: 0 }), 'fit: expected `x` to hold finite numbers (finite in float32: at most 3.4e38 in magnitude), received -1e+39 at row 0, column 3'],
    ['empty x', (m) => m.fit([], [], { verbose: 0 }), 'fit: expected `x` to have at least one row, received an empty array'],
    ['Matrix with wrong data length', (m) => m.predict({ data: new Float32Array(7), shape: [2, 4] }), 'predict: expected `x.data` to hold rows·columns = 8 numbers for shape [2, 4], received a Float32Array of length 7'],
    ['batchSize 0', (m) => m.fit(x, oneHot, { batchSize: 0, verbose: 0 }), 'fit: expected `batchSize` to be a positive integer, received 0'],
    ['epochs 1.5', (m) => m.fit(x, oneHot, { epochs: 1.5, verbose: 0 }), 'fit: expected `epochs` to be a positive integer, received 1.5'],
    ['validationSplit 1', (m) => m.fit(x, oneHot, { validationSplit: 1, verbose: 0 }), 'fit: expected `validationSplit` to be a number ≥ 0 and < 1, received 1'],
    ['validationSplit leaving no training rows', (m) => m.fit(x, oneHot, { validationSplit: 0.95, verbose: 0 }), 'fit: `validationSplit` 0.95 of 12 rows leaves 0 training and 12 validation rows'],
    ['unknown fit option', (m) => m.fit(x, oneHot, { epoch: 3 } as never), 'fit: unknown option `epoch`; did you mean `epochs`?'],
    ['bad callback', (m) => m.fit(x, oneHot, { verbose: 0, callbacks: [{ onEpochEnd: 3 }] as never }), 'fit: expected `callbacks[0].onEpochEnd` to be a function, received 3'],
  ];
  it.each(cases)('%s', async (_what, call, message) => {
    const m = model();
    await expect(Promise.resolve().then(() => call(m))).rejects.toThrow(message);
  });

  it('sparse class ids must be integers in range', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, ids.map((c, i) => (i === 3 ? 3 : c)), { verbose: 0 })).rejects.toThrow('fit: expected class ids in `y` to be integers in [0, 2] (the output has 3 units), received 3 at row 3');
    await expect(m.fit(x, ids.map((c, i) => (i === 4 ? 0.5 : c)), { verbose: 0 })).rejects.toThrow('received 0.5 at row 4');
  });

  it('setWeights checks every shape before writing anything', () => {
    const m = model();
    const before = m.getWeights();
    const bad = before.map((w) => ({ ...w }));
    bad[3] = { data: new Float32Array(4), shape: [4] };
    expect(() => m.setWeights(bad)).toThrow('setWeights: expected weights[3] (dense_');
    expect(() => m.setWeights(bad)).toThrow('bias) to have shape [3], received shape [4] with 4 values');
    expect(() => m.setWeights(before.slice(1))).toThrow('setWeights: expected a list of 4 tensors');
    expect(m.getWeights()).toEqual(before);
  });

  it('a failed fit leaves the model exactly as it was: it then trains like a fresh model with the same seed', async () => {
    const fresh = model(11);
    const failed = model(11);
    await expect(failed.fit(x, oneHot.slice(2), { epochs: 2, verbose: 0 })).rejects.toThrow();
    await expect(failed.fit(x, oneHot, { epochs: 0, verbose: 0 })).rejects.toThrow();
    await expect(failed.fit(x.map((r) => [...r, 1]), oneHot, { verbose: 0 })).rejects.toThrow();
    expect(() => failed.compile({ optimizer: 'nope', loss: 'mse' })).toThrow();
    const a = await fresh.fit(x, oneHot, { epochs: 3, batchSize: 4, verbose: 0 });
    const b = await failed.fit(x, oneHot, { epochs: 3, batchSize: 4, verbose: 0 });
    expect(b.history).toEqual(a.history);
    expect(failed.getWeights()).toEqual(fresh.getWeights());
  });

  it('a model built by a failed fit is not left half-built', async () => {
    const m = new Sequential({ seed: 1 });
    m.add(new Dense(3, { activation: 'softmax' }));
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(m.fit(x, oneHot.map((r) => r.slice(1)), { verbose: 0 })).rejects.toThrow('expected `y` to have 3 columns');
    expect(m.inputDim).toBeUndefined();
  });
});

describe('pairings that are almost surely mistakes warn once per model', () => {
  it('categorical cross-entropy on one unit, softmax before binary cross-entropy on one unit', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const a = new Sequential({ seed: 1 });
      a.add(new Dense(1, { inputDim: 2, activation: 'softmax' }));
      a.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      a.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      a.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringContaining("'categoricalCrossentropy' on a single output unit is almost surely a mistake"),
        expect.stringContaining('softmax over a single unit always outputs 1'),
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('names that are Object.prototype members are unknown names, not hidden entries', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('%s', (name) => {
    const m = new Sequential({ layers: [new Dense(2, { inputDim: 2 })] });
    expect(() => m.compile({ optimizer: 'adam', loss: name })).toThrow(`unknown loss '${name}'`);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: [name] })).toThrow(`unknown metric '${name}'`);
    expect(() => m.compile({ optimizer: name, loss: 'mse' })).toThrow(`unknown optimizer '${name}'`);
    expect(() => new Dense(2, { activation: name })).toThrow(`unknown activation '${name}'`);
    expect(() => new Dense(2, { kernelInitializer: name })).toThrow(`unknown initializer '${name}'`);
  });

  it('describes deeply nested and long values briefly', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => new Dense(2, { activation: deep as never })).toThrow("Dense: expected `activation` to be a name such as 'relu' or { name, alpha }, received [[an array of length 1]]");
    expect(() => new Dense(2, { name: 5 as never, activation: 'x'.repeat(100) })).toThrow('Dense: expected `name` to be a non-empty string, received 5');
  });
});

describe('SinewError', () => {
  const thrown = (f: () => unknown): SinewError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SinewError);
      return e as SinewError;
    }
    throw new Error('did not throw');
  };

  it('carries the owner, the field, what was expected and what was received', () => {
    const e = thrown(() => new Dense(0));
    expect([e.name, e.owner, e.field, e.expected, e.received]).toEqual(['SinewError', 'Dense', 'units', 'a positive integer', '0']);
    expect(e.message).toBe('Dense: expected `units` to be a positive integer, received 0');
    const f = thrown(() => fromArtifacts({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: -1, name: 'd', batch_input_shape: [null, 2] } }] } }, weightSpecs: [], weightData: new ArrayBuffer(0) }));
    expect([f.owner, f.field, f.expected, f.received]).toEqual(['fromArtifacts', 'modelTopology.config.layers[0].config.units', 'an integer in [1, 1048576]', '-1']);
  });

  it('the file layer speaks as sinew; the public entry point that was called owns the error', async () => {
    const e = await loadModel('/no/such/dir').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SinewError);
    expect((e as SinewError).owner).toBe('loadModel');
    expect((e as SinewError).message).toBe('loadModel: no model file at /no/such/dir/model.json');
  });
});
