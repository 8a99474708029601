// Freezing (Keras `layer.trainable = false`): frozen weights stay bit-identical through fit and get no
// optimizer slots; freezing and unfreezing re-plan and keep every weight; getLayer, layer weights,
// model.weights / trainableWeights / nonTrainableWeights; trainable survives save and load.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, Dropout, BatchNormalization, Adam, fromArtifacts } from '../../src/index.js';
import { backendFor, blobs, expectSameBits, initWasm, MODEL_BACKENDS } from '../helpers/models.js';

beforeAll(initWasm);

describe.each(MODEL_BACKENDS)('freezing on %s', (backend) => {
  function model3() {
    const model = new Sequential({ seed: 11, backend: backendFor(backend) });
    model.add(new Dense(6, { inputDim: 4, activation: 'relu', name: 'a' }));
    model.add(new Dense(5, { activation: 'tanh', name: 'b' }));
    model.add(new Dense(3, { activation: 'softmax', name: 'c' }));
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
    return model;
  }
  const { x, oneHot } = blobs(64, 4, 3, 2);

  it('a frozen layer is bit-identical after fit, the others train, and its weights get no optimizer slots', async () => {
    const model = model3();
    const b = model.getLayer('b');
    b.trainable = false;
    expect(model.trainableWeights.map((w) => w.name)).toEqual(['a/kernel', 'a/bias', 'c/kernel', 'c/bias']);
    expect(model.nonTrainableWeights.map((w) => w.name)).toEqual(['b/kernel', 'b/bias']);
    expect(model.weights.map((w) => [w.name, w.trainable])).toEqual([['a/kernel', true], ['a/bias', true], ['b/kernel', false], ['b/bias', false], ['c/kernel', true], ['c/bias', true]]);
    const before = model.getWeights();
    const history = await model.fit(x, oneHot, { epochs: 3, batchSize: 16, verbose: 0 });
    const after = model.getWeights();
    expectSameBits(after[2].data, before[2].data, 'frozen kernel');
    expectSameBits(after[3].data, before[3].data, 'frozen bias');
    expect(after[0].data).not.toEqual(before[0].data); // the layer below the frozen one still learns (gradients flow through)
    expect(after[4].data).not.toEqual(before[4].data);
    const plan = model.state.plan!;
    expect(plan.n).toBe(4 * 6 + 6 + 5 * 3 + 3); // the trainable block (and each Adam slot) holds only a and c
    expect(plan.stateN).toBe(6 * 5 + 5);
    expect(history.gradNorm[1]).toEqual([]); // no gradient for the frozen layer
    expect(history.gradNorm[0].length).toBe(3);
    expect(model.summary()).toContain(`Trainable params: ${plan.n} (${(plan.n * 4).toFixed(2)} B)\n Non-trainable params: ${plan.stateN} (${(plan.stateN * 4).toFixed(2)} B)`);
  });

  it('freezing and unfreezing keep every weight and the slots of weights that stay trainable', async () => {
    const model = model3();
    await model.fit(x, oneHot, { epochs: 1, batchSize: 16, verbose: 0 });
    const weights = model.getWeights();
    const slotOfC = () => {
      const plan = model.state.plan!;
      const t = plan.tensors.find((e) => e.name === 'c/kernel')!;
      return Array.from(model.state.optimizerSlots()[0].subarray(t.offset, t.offset + t.count));
    };
    const before = slotOfC();
    model.getLayer(0).trainable = false;
    expect(model.getWeights()).toEqual(weights);
    expect(slotOfC()).toEqual(before);
    model.getLayer(0).trainable = true;
    expect(model.getWeights()).toEqual(weights);
    expect(slotOfC()).toEqual(before);
  });

  it('layer.getWeights/setWeights read and write one layer, checked first; getLayer refuses unknown names', () => {
    const model = model3();
    const c = model.getLayer(2);
    expect(c.getWeights().map((w) => w.shape)).toEqual([[5, 3], [3]]);
    c.setWeights([{ data: new Float32Array(15).fill(0.5), shape: [5, 3] }, [1, 2, 3]]);
    expect(Array.from(model.getWeights()[5].data)).toEqual([1, 2, 3]);
    expect(() => c.setWeights([[1, 2, 3]])).toThrow("Dense 'c' setWeights: expected a list of 2 tensors (kernel, bias), received [[1, 2, 3]]");
    expect(() => c.setWeights([{ data: new Float32Array(15), shape: [5, 3] }, [1, 2]])).toThrow("Dense 'c' setWeights: expected weights[1] (c/bias) to have shape [3], received 2 values");
    expect(Array.from(model.getWeights()[5].data)).toEqual([1, 2, 3]); // nothing written by the failed calls
    expect(() => model.getLayer('d')).toThrow("getLayer: expected the name of one of this model's layers ('a', 'b', 'c'), received 'd'");
    expect(() => model.getLayer(3)).toThrow('getLayer: expected an index in [0, 2], received 3');
    expect(() => new Dense(2).getWeights()).toThrow("Dense 'dense");
    expect(() => ((model.getLayer('a') as { trainable: unknown }).trainable = 'no')).toThrow("Dense 'a': expected `trainable` to be a boolean, received 'no'");
  });

  it('trainable cannot change while fit runs', async () => {
    const model = model3();
    let message = '';
    await model.fit(x, oneHot, {
      epochs: 1,
      verbose: 0,
      callbacks: [{ onBatchEnd: () => { try { model.getLayer(1).trainable = false; } catch (e) { message = (e as Error).message; } } }],
    });
    expect(message).toBe("Dense 'b': `trainable` cannot change while fit is running; stop fit first");
    expect(model.getLayer(1).trainable).toBe(true);
  });

  it('trainable: false survives toArtifacts → fromArtifacts (Keras `trainable` config), and so do BatchNormalization statistics', () => {
    const model = new Sequential({ seed: 4, backend: backendFor(backend) });
    model.add(new Dense(4, { inputDim: 3, trainable: false, name: 'frozen' }));
    model.add(new BatchNormalization({ name: 'bn' }));
    model.add(new Dropout(0.1));
    model.add(new Dense(2, { name: 'out' }));
    model.getLayer('bn').setWeights([[1, 2, 3, 4], [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], [2, 2, 2, 2]]);
    const artifacts = model.toArtifacts();
    const layers = (artifacts.modelTopology as { config: { layers: { class_name: string; config: { trainable: boolean } }[] } }).config.layers;
    expect(layers.map((l) => [l.class_name, l.config.trainable])).toEqual([['Dense', false], ['BatchNormalization', true], ['Dropout', true], ['Dense', true]]);
    expect(artifacts.weightSpecs.map((s) => s.name)).toEqual(['frozen/kernel', 'frozen/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'out/kernel', 'out/bias']);
    const back = fromArtifacts(artifacts, { backend: backendFor(backend) });
    expect(back.layers.map((l) => l.trainable)).toEqual([false, true, true, true]);
    expect(back.getWeights()).toEqual(model.getWeights());
    expect(back.trainableWeights.map((w) => w.name)).toEqual(['bn/gamma', 'bn/beta', 'out/kernel', 'out/bias']);
  });
});
