// TensorFlow.js 4.22 as a contender: tf.sequential of tf.layers.dense with glorotUniform kernels
// set explicitly (tfjs's dense default is glorotNormal), Adam 1e-3, categorical cross-entropy,
// batch 128, on the `wasm` backend (single thread, .wasm read from the npm package) or `cpu`.
// Dev dependency of the benchmark only; the published sinew package never imports it.

import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as TF from '@tensorflow/tfjs';
import type { Contender } from './contender.js';
import type { Dataset } from './data.js';
import { BATCH, LEARNING_RATE, type ModelSpec } from './models.js';

type Tf = typeof TF;

export async function createTfjs(backend: 'wasm' | 'cpu'): Promise<Contender> {
  const require = createRequire(import.meta.url);
  const imported = (await import('@tensorflow/tfjs')) as Tf & { default?: Tf };
  const tf: Tf = imported.default ?? imported;
  let wasmDir = '';
  if (backend === 'wasm') {
    const wasmMod = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm') & {
      default?: typeof import('@tensorflow/tfjs-backend-wasm');
    };
    const wasm = wasmMod.default ?? wasmMod;
    // The .wasm files ship inside the npm package; point emscripten at them so nothing is fetched.
    wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(wasmDir + path.sep);
    // One thread, as every other contender (Node already reports no multithread support; be explicit).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs: asked for ${backend}, got ${tf.getBackend()}`);
  const simd = backend === 'wasm' ? String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : 'n/a';
  const threads = backend === 'wasm' ? String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) : 'n/a';

  let model: TF.Sequential | undefined;
  let xs: TF.Tensor2D | undefined;
  let ys: TF.Tensor2D | undefined;

  return {
    describe: () => ({
      library: `@tensorflow/tfjs ${tf.version.tfjs}`,
      backend: tf.getBackend(),
      wasmSimd: simd,
      wasmThreads: threads,
      wasmFiles: wasmDir ? path.relative(process.cwd(), wasmDir) : 'n/a',
    }),

    async build(spec: ModelSpec, seed: number) {
      const m = tf.sequential();
      spec.layers.forEach((l, i) => {
        m.add(
          tf.layers.dense({
            units: l.units,
            activation: l.activation,
            inputShape: i === 0 ? [spec.inputs] : undefined,
            kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
            biasInitializer: 'zeros',
          }),
        );
      });
      m.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      model = m;
    },

    async setData(data: Dataset, rows: number) {
      xs?.dispose();
      ys?.dispose();
      const inputs = data.x.length / data.rows;
      const classes = data.y.length / data.rows;
      xs = tf.tensor2d(data.x.subarray(0, rows * inputs), [rows, inputs]);
      ys = tf.tensor2d(data.y.subarray(0, rows * classes), [rows, classes]);
    },

    async fit(epochs: number, onEpoch: (seconds: number, loss: number) => void) {
      if (!model || !xs || !ys) throw new Error('tfjs: build and setData first');
      const called = performance.now();
      let setup = -1;
      let t0 = 0;
      await model.fit(xs, ys, {
        epochs,
        batchSize: BATCH,
        shuffle: true,
        verbose: 0,
        callbacks: {
          onEpochBegin: async () => {
            t0 = performance.now();
            if (setup < 0) setup = (t0 - called) / 1000;
          },
          onEpochEnd: async (_epoch, logs) => {
            onEpoch((performance.now() - t0) / 1000, Number(logs?.loss));
          },
        },
      });
      return setup;
    },

    predict(x: Float32Array, rows: number): Float32Array {
      if (!model) throw new Error('tfjs: build first');
      const cols = x.length / rows;
      const input = tf.tensor2d(x, [rows, cols]);
      // One batch for the whole call (tfjs's predict default is batches of 32).
      const out = model.predict(input, { batchSize: rows }) as TF.Tensor;
      const probs = out.dataSync() as Float32Array;
      input.dispose();
      out.dispose();
      return probs;
    },
  };
}
