// The real `fit` of the training benchmark, alone, for V8's sampling profiler: model A (or B) on the
// synthetic 60,000-row data through sinew's public API. With --prof=<file.cpuprofile> it profiles
// only the training epochs (node:inspector, 100 µs sampling; data generation and fit's set-up
// stay out), the same format `node --cpu-prof` writes. Summarise with bench/train/cpuprofile.ts.
//
// node scripts/run.mjs bench/profile_fit.ts [--model=A] [--build=wasm-relaxed] [--epochs=4] [--prof=/tmp/fit.cpuprofile]
// node --import tsx bench/train/cpuprofile.ts /tmp/fit.cpuprofile --wat=build/sinew-relaxed.wat

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { Adam, Dense, Sequential, init } from '../src/index.js';
import { makeDataset } from './train/data.js';
import { BATCH, MODELS, type ModelId } from './train/models.js';

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const spec = MODELS[arg('model', 'A') as ModelId];
const build = arg('build', 'wasm-relaxed');
const epochs = Number(arg('epochs', '4'));
const profOut = arg('prof', '');
const session = new Session();
let profiling = false;

const data = makeDataset();
if (build === 'js') await init({ backend: 'js' });
else await init({ backend: 'wasm', build: build as 'wasm-relaxed' | 'wasm-simd' });
const model = new Sequential({ seed: 1234 });
spec.layers.forEach((l, i) => model.add(new Dense(l.units, { inputDim: i === 0 ? spec.inputs : undefined, activation: l.activation, kernelInitializer: 'glorotUniform' })));
model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

const x = { data: data.x, shape: [data.rows, spec.inputs] as [number, number] };
const y = { data: data.y, shape: [data.rows, 10] as [number, number] };
const called = performance.now();
let t0 = 0;
await model.fit(x, y, {
  epochs,
  batchSize: BATCH,
  seed: 1234,
  verbose: 0,
  callbacks: [
    {
      onEpochBegin: async (e: number) => {
        if (e === 0) {
          console.log(`fit set-up ${((performance.now() - called) / 1000).toFixed(2)} s`);
          if (profOut) {
            session.connect();
            await session.post('Profiler.enable');
            await session.post('Profiler.setSamplingInterval', { interval: 100 });
            await session.post('Profiler.start');
            profiling = true;
          }
        }
        t0 = performance.now();
      },
      onEpochEnd: (e: number, logs: Record<string, number>) => {
        const s = (performance.now() - t0) / 1000;
        console.log(`epoch ${e + 1}: ${s.toFixed(3)} s, ${Math.round(data.rows / s).toLocaleString('en-US')} samples/s, loss ${logs.loss.toFixed(4)}`);
      },
    },
  ],
});

if (profiling) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profOut, JSON.stringify(profile));
  console.log(`profile of the ${epochs} epochs written to ${profOut}`);
}
