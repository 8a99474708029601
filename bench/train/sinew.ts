// sinew as a contender, through its public API only (src/index.ts): init() with a forced build
// (WASM relaxed-SIMD, WASM SIMD128) or the TypeScript backend, Sequential of Dense layers with
// glorotUniform kernels, Adam 1e-3, categorical cross-entropy, batch 128, shuffled, verbose 0.

import { performance } from 'node:perf_hooks';
import type { Contender, ContenderId } from './contender.js';
import type { Dataset } from './data.js';
import { BATCH, LEARNING_RATE, type ModelSpec } from './models.js';

/** SINEW_THREADS=n runs the sinew contenders on n threads (default: every core, as init() does). */
function threadsAsked(): number | undefined {
  const n = process.env.SINEW_THREADS;
  return n === undefined || n === '' ? undefined : Number(n);
}

export async function createSinew(id: ContenderId): Promise<Contender> {
  const sinew = await import('../../src/index.js');
  const chosen =
    id === 'sinew-js'
      ? await sinew.init({ backend: 'js' })
      : await sinew.init({ backend: 'wasm', build: id === 'sinew-wasm-relaxed' ? 'wasm-relaxed' : 'wasm-simd', threads: threadsAsked() });
  const expected = id === 'sinew-js' ? 'js' : id.slice('sinew-'.length);
  if (chosen !== expected) throw new Error(`${id}: init chose ${chosen}`);

  let model: InstanceType<typeof sinew.Sequential> | undefined;
  let x: { data: Float32Array; shape: [number, number] } | undefined;
  let y: { data: Float32Array; shape: [number, number] } | undefined;
  let fitSeed = 1;

  return {
    describe: () => ({ library: 'sinew (this repository, src/)', backend: `${sinew.backendName() ?? '?'}, ${sinew.backendInfo()?.threads ?? 1} thread(s)` }),

    async build(spec: ModelSpec, seed: number) {
      const m = new sinew.Sequential({ seed });
      spec.layers.forEach((l, i) => {
        m.add(
          new sinew.Dense(l.units, {
            inputDim: i === 0 ? spec.inputs : undefined,
            activation: l.activation,
            kernelInitializer: 'glorotUniform',
            biasInitializer: 'zeros',
          }),
        );
      });
      m.compile({ optimizer: new sinew.Adam({ learningRate: LEARNING_RATE }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      model = m;
      fitSeed = seed;
    },

    async setData(data: Dataset, rows: number) {
      const inputs = data.x.length / data.rows;
      const classes = data.y.length / data.rows;
      x = { data: data.x.subarray(0, rows * inputs), shape: [rows, inputs] };
      y = { data: data.y.subarray(0, rows * classes), shape: [rows, classes] };
    },

    async fit(epochs: number, onEpoch: (seconds: number, loss: number) => void) {
      if (!model || !x || !y) throw new Error('sinew: build and setData first');
      const called = performance.now();
      let setup = -1;
      let t0 = 0;
      await model.fit(x, y, {
        epochs,
        batchSize: BATCH,
        shuffle: true,
        seed: fitSeed,
        verbose: 0,
        callbacks: [
          {
            onEpochBegin: () => {
              t0 = performance.now();
            if (setup < 0) setup = (t0 - called) / 1000;
            },
            onEpochEnd: (_epoch: number, logs: Record<string, number>) => {
              onEpoch((performance.now() - t0) / 1000, logs.loss);
            },
          },
        ],
      });
      return setup;
    },

    predict(rowsX: Float32Array, rows: number): Float32Array {
      if (!model) throw new Error('sinew: build first');
      // One chunk for the whole call (sinew's predict default, as Keras's, is batches of 32).
      return model.predict({ data: rowsX, shape: [rows, rowsX.length / rows] }, { batchSize: rows }).data;
    },
  };
}
