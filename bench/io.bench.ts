// Saving and loading model A (784-128 relu-10 softmax, 101,770 weights, trained one step with Adam so
// the optimizer has state): sinew's toArtifacts / fromArtifacts in memory, save / loadModel through a
// directory (atomic: two fsyncs and renames), against TF.js 4.22 (cpu) saving to and loading from
// memory in the same process. tinybench medians; each case is checked once before it is timed.
// Run alone: node --experimental-wasm-relaxed-simd --import tsx bench/io.bench.ts [--quick]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import * as tf from '@tensorflow/tfjs';
import { Dense, fromArtifacts, init, loadModel, Sequential, type ModelArtifacts } from '../src/index.js';

const quick = process.argv.includes('--quick');
const time = quick ? 200 : 1500;
await init();
await tf.setBackend('cpu');

const x = Array.from({ length: 32 }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i * 31 + j * 17) % 97) / 97));
const y = Array.from({ length: 32 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));

const model = new Sequential({ seed: 1, layers: [new Dense(128, { inputDim: 784, activation: 'relu' }), new Dense(10, { activation: 'softmax' })] });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
const withState = model.toArtifacts({ includeOptimizer: true });
const dir = mkdtempSync(join(tmpdir(), 'sinew-io-bench-'));
await model.save(dir, { includeOptimizer: true });
if (!(await loadModel(dir)).predict(x).data.every((v, i) => v === model.predict(x).data[i])) throw new Error('loadModel changed predictions');

const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 128, inputShape: [784], activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
tfModel.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
await tfModel.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 1, batchSize: 32, verbose: 0 });
let tfArtifacts: tf.io.ModelArtifacts | undefined;
const capture = tf.io.withSaveHandler(async (a) => {
  tfArtifacts = a;
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
});
await tfModel.save(capture, { includeOptimizer: true });

const bench = new Bench({ time, warmupTime: time / 4, iterations: 10 });
bench
  .add('sinew toArtifacts (weights)', () => void model.toArtifacts())
  .add('sinew toArtifacts (+ Adam state)', () => void model.toArtifacts({ includeOptimizer: true }))
  .add('sinew fromArtifacts (+ Adam state)', () => fromArtifacts(withState as ModelArtifacts).dispose())
  .add('sinew save to a directory (+ Adam state, fsync)', async () => void (await model.save(dir, { includeOptimizer: true })))
  .add('sinew loadModel from a directory (+ Adam state)', async () => (await loadModel(dir)).dispose())
  .add('TF.js save to memory (+ Adam state)', async () => void (await tfModel.save(capture, { includeOptimizer: true })))
  .add('TF.js loadLayersModel from memory (+ Adam state)', async () => (await tf.loadLayersModel(tf.io.fromMemory(tfArtifacts!))).dispose());
await bench.run();
rmSync(dir, { recursive: true, force: true });

console.log(`model A: 101,770 weights (${((101_770 * 3 + 1) * 4 / 1024).toFixed(0)} KiB with Adam's slots); ${quick ? 'quick' : 'full'} run`);
console.log('case                                                  median ms');
for (const task of bench.tasks) {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  console.log(`${task.name.padEnd(52)} ${result.latency.p50.toFixed(3).padStart(10)}`);
}
