// Everything a page needs: import sinew (Vite picks the package's browser entry and copies its .wasm
// files), call init(), build, train, predict. No Vite configuration is involved.
import { init, Sequential, Dense, Adam } from 'sinew-nn';
import { loadIris, standardize, toOneHot } from 'sinew-nn/datasets';

const status = document.querySelector('#status');
const rows = document.querySelector('#epochs tbody');
const summary = document.querySelector('#summary');

/** FNV-1a over the weights' float32 bytes: the same build and seed give the same fingerprint in every runtime. */
function fingerprint(tensors) {
  let h = 0x811c9dc5;
  for (const t of tensors) for (const b of new Uint8Array(Float32Array.from(t.data).buffer)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

try {
  const backend = await init(); // 'wasm-relaxed', 'wasm-simd', or 'js' where WebAssembly SIMD is missing
  status.textContent = `Training with the ${backend} backend…`;

  const iris = loadIris();
  const x = standardize(iris.x).train;
  const y = toOneHot(iris.y, 3);

  const model = new Sequential({ seed: 7 });
  model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
  model.add(new Dense(8, { activation: 'relu' }));
  model.add(new Dense(3, { activation: 'softmax' }));
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const started = performance.now();
  const history = await model.fit(x, y, {
    epochs: 20,
    batchSize: 16,
    seed: 7,
    callbacks: {
      onEpochEnd(epoch, logs) {
        const row = rows.insertRow();
        row.innerHTML = `<td>${epoch + 1}</td><td>${logs.loss.toFixed(4)}</td><td>${(100 * logs.accuracy).toFixed(1)} %</td>` +
          `<td><span class="bar" style="width:${Math.round(120 * logs.loss)}px"></span></td>`;
      },
    },
  });
  const ms = performance.now() - started;

  const probs = model.predict(x);
  let correct = 0;
  for (let i = 0; i < probs.shape[0]; i++) {
    const p = probs.data.subarray(3 * i, 3 * i + 3);
    if (p.indexOf(Math.max(...p)) === iris.y.data[i]) correct++;
  }
  const weights = fingerprint(model.getWeights());
  status.textContent = `Trained with the ${backend} backend in ${ms.toFixed(0)} ms.`;
  summary.innerHTML = `Accuracy on the 150 flowers: <b>${correct} / 150</b>. Weights fingerprint <code>${weights}</code>: ` +
    'the same in Node, Deno, Bun, workerd and other browsers for the same WebAssembly build and seed.';
  document.body.dataset.result = JSON.stringify({ backend, losses: history.history.loss, correct, weights });
  document.body.dataset.state = 'done';
} catch (error) {
  status.textContent = `Failed: ${error.message}`;
  document.body.dataset.state = 'error';
  throw error;
}
