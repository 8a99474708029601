// The layers beyond Dense against TensorFlow.js 4.22 (cpu backend), both ways, on the model
// Flatten (input [28, 28]) → Dense → BatchNormalization → ReLU → Dropout → LayerNormalization →
// Dense softmax with a frozen Dense: sinew → tf.loadLayersModel and a TF.js-trained model → sinew
// predict alike, weights and moving statistics are equal, `trainable: false` survives; and one epoch
// of training moves BatchNormalization's statistics as TF.js does for the same start and batches.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, Dropout, Flatten, fromArtifacts, LayerNormalization, ReLU, Sequential, SGD, type ModelArtifacts } from '../../src/index.js';
import { expectAllClose, type Tolerance } from '../helpers/close.js';
import { backendFor, initWasm, MODEL_BACKENDS } from '../helpers/models.js';
import { Rng } from '../../src/random.js';

/**
 * Predictions through 7 layers on 28×28 inputs: sums of 784 products, normalisations and a softmax,
 * each rounded to float32 in a different order by sinew and TF.js (a few ULP of values ≤ 1).
 */
const PREDICT: Tolerance = { atol: 1e-5, rtol: 0 };
/** Moving statistics after an epoch: a relative bound, with an absolute floor for values near 0. */
const STATS: Tolerance = { atol: 1e-6, rtol: 1e-5 };

const N = 64;
const rng = new Rng(31);
const IMAGES = Float32Array.from({ length: N * 784 }, () => (rng.uniform() < 0.6 ? 0 : rng.uniform()));
const LABELS = Array.from({ length: N }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === (i * 7) % 10 ? 1 : 0)));

beforeAll(async () => {
  await initWasm();
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

function sinewModel(backend: 'wasm' | 'js', withDropout = true): Sequential {
  const model = new Sequential({ seed: 21, backend: backendFor(backend), name: 'images' });
  model.add(new Flatten({ inputShape: [28, 28], name: 'flatten' }));
  model.add(new Dense(16, { name: 'frozen', trainable: false }));
  model.add(new Dense(12, { name: 'hidden' }));
  model.add(new BatchNormalization({ name: 'bn' }));
  model.add(new ReLU({ name: 'relu' }));
  if (withDropout) model.add(new Dropout(0.2, { name: 'drop' }));
  model.add(new LayerNormalization({ name: 'ln' }));
  model.add(new Dense(10, { activation: 'softmax', name: 'out' }));
  return model;
}

function tfModel(withDropout = true): tf.Sequential {
  const model = tf.sequential({ name: 'images' });
  model.add(tf.layers.flatten({ inputShape: [28, 28], name: 'flatten' }));
  model.add(tf.layers.dense({ units: 16, name: 'frozen', trainable: false }));
  model.add(tf.layers.dense({ units: 12, name: 'hidden' }));
  model.add(tf.layers.batchNormalization({ name: 'bn' }));
  model.add(tf.layers.reLU({ name: 'relu' }));
  if (withDropout) model.add(tf.layers.dropout({ rate: 0.2, name: 'drop' }));
  model.add(tf.layers.layerNormalization({ name: 'ln' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' }));
  return model;
}

const tfPredict = (m: tf.LayersModel) => tf.tidy(() => (m.predict(tf.tensor3d(IMAGES, [N, 28, 28])) as tf.Tensor).dataSync() as Float32Array);
const layerWeights = (m: tf.LayersModel) => m.layers.map((l) => l.getWeights().map((w) => w.dataSync() as Float32Array));

async function tfjsArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return saved!;
}

describe.each(MODEL_BACKENDS)('on %s', (backend) => {
  it('sinew → tf.loadLayersModel: same weights and moving statistics, trainable kept, predictions within 1e-5', async () => {
    const model = sinewModel(backend);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await model.fit({ data: IMAGES, shape: [N, 28, 28] }, LABELS, { epochs: 2, batchSize: 16, verbose: 0 });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(model.toArtifacts() as tf.io.ModelArtifacts));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.className));
    expect(loaded.layers.map((l) => l.trainable)).toEqual([true, false, true, true, true, true, true, true]);
    const theirs = layerWeights(loaded);
    model.layers.forEach((layer, i) => {
      const ours = layer.getWeights();
      expect(theirs[i].length, layer.name).toBe(ours.length);
      ours.forEach((w, j) => expect(Array.from(theirs[i][j]), `${layer.name} weight ${j}`).toEqual(Array.from(w.data)));
    });
    const mm = model.getLayer('bn').getWeights()[2].data;
    expect(mm.some((v) => v !== 0)).toBe(true); // the moving mean moved
    expectAllClose(model.predict({ data: IMAGES, shape: [N, 28, 28] }).data, tfPredict(loaded), PREDICT, 'predictions');
    loaded.dispose();
  });

  it('a TF.js-trained model → sinew: same weights and statistics, trainable kept, predictions within 1e-5', async () => {
    const trained = tfModel();
    trained.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await trained.fit(tf.tensor3d(IMAGES, [N, 28, 28]), tf.tensor2d(LABELS), { epochs: 2, batchSize: 16, verbose: 0 });
    const model = fromArtifacts((await tfjsArtifacts(trained)) as ModelArtifacts, { backend: backendFor(backend) });
    expect(model.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'Dense', 'BatchNormalization', 'ReLU', 'Dropout', 'LayerNormalization', 'Dense']);
    expect(model.layers.map((l) => l.trainable)).toEqual([true, false, true, true, true, true, true, true]);
    expect(model.inputShape).toEqual([28, 28]);
    const theirs = layerWeights(trained);
    model.layers.forEach((layer, i) => layer.getWeights().forEach((w, j) => expect(Array.from(w.data), `${layer.name} weight ${j}`).toEqual(Array.from(theirs[i][j]))));
    expectAllClose(model.predict({ data: IMAGES, shape: [N, 28, 28] }).data, tfPredict(trained), PREDICT, 'predictions');
    trained.dispose();
    model.dispose();
  });

  it("one epoch (same start weights, same batches, SGD) moves BatchNormalization's statistics as TF.js does, within 1e-5 relative", async () => {
    const model = sinewModel(backend, false);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
    const reference = tfModel(false);
    reference.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    reference.layers.forEach((layer, i) => layer.setWeights(model.layers[i].getWeights().map((w) => tf.tensor(w.data, w.shape))));
    await model.fit({ data: IMAGES, shape: [N, 28, 28] }, LABELS, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    await reference.fit(tf.tensor3d(IMAGES, [N, 28, 28]), tf.tensor2d(LABELS), { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    const [, , ourMean, ourVariance] = model.getLayer('bn').getWeights().map((w) => w.data);
    const [, , theirMean, theirVariance] = reference.getLayer('bn').getWeights().map((w) => w.dataSync() as Float32Array);
    expect(Array.from(ourMean).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expectAllClose(ourMean, theirMean, STATS, 'moving_mean');
    expectAllClose(ourVariance, theirVariance, STATS, 'moving_variance');
    reference.dispose();
  });
});
