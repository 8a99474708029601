// The main job (`npm run demo`): the notes' example model on iris, then a digits classifier, each
// trained with progress on the WebAssembly backend and on the pure-TypeScript backend, and a table
// of held-out accuracy, training time and samples/s side by side.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, Dense, Dropout, Sequential, backendName, datasets, init, l2, loadModel } from '../src/index.js';
import type { Matrix } from '../src/index.js';

interface Task {
  name: string;
  epochs: number;
  batchSize: number;
  data: () => { xTrain: Matrix; yTrain: Matrix; xTest: Matrix; yTest: Matrix; labels: Matrix };
  model: () => Sequential;
}

function prepared(load: () => datasets.Dataset, classes: number, seed: number) {
  return () => {
    const d = load();
    const split = datasets.trainTestSplit(d.x, d.y, { testSize: 0.2, seed });
    const { train, test } = datasets.standardize(split.xTrain, split.xTest);
    return { xTrain: train, yTrain: datasets.toOneHot(split.yTrain, classes), xTest: test, yTest: datasets.toOneHot(split.yTest, classes), labels: split.yTest };
  };
}

const tasks: Task[] = [
  {
    name: 'iris: 4 → 8 relu → dropout → 8 relu → 3 softmax',
    epochs: 100,
    batchSize: 16,
    data: prepared(datasets.loadIris, 3, 2),
    model: () => {
      // The notes' example, as written in Keras.
      const m = new Sequential({ seed: 42 });
      m.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
      m.add(new Dropout(0.2));
      m.add(new Dense(8, { activation: 'relu', kernelRegularizer: l2(1e-4) }));
      m.add(new Dense(3, { activation: 'softmax' }));
      m.compile({ optimizer: new Adam({ learningRate: 1e-2 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    },
  },
  {
    name: 'digits: 64 → 128 relu → 64 relu → 10 softmax',
    epochs: 30,
    batchSize: 32,
    data: prepared(datasets.loadDigits, 10, 3),
    model: () => {
      const m = new Sequential({ seed: 7 });
      m.add(new Dense(128, { inputDim: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
      m.add(new Dense(64, { activation: 'relu', kernelInitializer: 'heNormal' }));
      m.add(new Dense(10, { activation: 'softmax' }));
      m.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    },
  },
];

function accuracy(probs: Matrix, labels: Matrix): number {
  const [n, k] = probs.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs.data[i * k + j] > probs.data[i * k + best]) best = j;
    if (best === labels.data[i]) right++;
  }
  return right / n;
}

/** Saves in TF.js's format (model.json + weights.bin, with the optimizer state) and loads it back. */
async function saveAndReload(model: Sequential, xTest: Matrix, labels: Matrix): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sinew-demo-'));
  try {
    await model.save(dir, { includeOptimizer: true });
    const loaded = await loadModel(dir);
    const before = model.predict(xTest).data;
    const same = loaded.predict(xTest).data.every((v, i) => v === before[i]);
    const kb = (statSync(join(dir, 'weights.bin')).size / 1024).toFixed(1);
    console.log(`  saved to ${dir} (model.json + ${kb} KiB weights.bin); reloaded: accuracy ${accuracy(loaded.predict(xTest), labels).toFixed(3)}, predictions identical: ${same ? 'yes' : 'NO'}`);
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  task: string;
  backend: string;
  accuracy: number;
  seconds: number;
  samplesPerSecond: number;
}

const rows: Row[] = [];
for (const backend of ['auto', 'js'] as const) {
  await init({ backend });
  for (const task of tasks) {
    const d = task.data();
    const model = task.model();
    console.log(`\n== ${task.name} · backend ${backendName()} · ${d.xTrain.shape[0]} training rows, ${d.xTest.shape[0]} held out`);
    if (task === tasks[0] && backend === 'auto') console.log(model.summary());
    const t0 = performance.now();
    // Progress: one line per epoch for the first and last few epochs, so the log stays short.
    const history = await model.fit(d.xTrain, d.yTrain, {
      epochs: task.epochs,
      batchSize: task.batchSize,
      validationSplit: 0.1,
      verbose: 0,
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          if (epoch < 3 || epoch >= task.epochs - 2 || epoch % Math.ceil(task.epochs / 5) === 0) {
            const parts = Object.entries(logs ?? {}).map(([k, v]) => `${k} ${(v as number).toFixed(4)}`);
            console.log(`  epoch ${String(epoch + 1).padStart(3)}/${task.epochs}  ${parts.join('  ')}`);
          }
        },
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const trained = Math.round(d.xTrain.shape[0] * 0.9) * history.loss.length;
    const acc = accuracy(model.predict(d.xTest), d.labels);
    console.log(`  held-out accuracy ${acc.toFixed(3)} · ${seconds.toFixed(2)} s · ${Math.round(trained / seconds).toLocaleString('en')} samples/s`);
    rows.push({ task: task.name.split(':')[0], backend: backendName() ?? '?', accuracy: acc, seconds, samplesPerSecond: trained / seconds });
    if (backend === 'auto') await saveAndReload(model, d.xTest, d.labels);
    model.dispose();
  }
}

console.log('\n task     backend        held-out acc   train time   samples/s   vs wasm');
for (const r of rows) {
  const wasm = rows.find((o) => o.task === r.task && o.backend.startsWith('wasm'));
  const ratio = wasm ? (r.samplesPerSecond / wasm.samplesPerSecond).toFixed(2) + 'x' : '';
  console.log(
    ` ${r.task.padEnd(8)} ${r.backend.padEnd(14)} ${r.accuracy.toFixed(3).padStart(12)} ${(r.seconds.toFixed(2) + ' s').padStart(12)} ${Math.round(r.samplesPerSecond).toLocaleString('en').padStart(11)} ${ratio.padStart(9)}`,
  );
}
