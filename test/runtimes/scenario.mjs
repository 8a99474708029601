// The one scenario every runtime runs (Node 20/22/24, Chromium, Deno, Bun, workerd): init, build the
// notes' iris model with a fixed seed, train a few epochs, predict. Plain JavaScript so that every
// runtime can load it as is; the caller hands in the package (however that runtime imports it), so
// the same code runs against the packed package, the source tree, or a bundle.
// It returns the exact final weights (float32 values, exact in JSON) and their hash for comparison.

/**
 * @typedef {{ data: Float32Array, shape: number[] }} Matrix
 * @typedef {{
 *   runtime: string, backend: string, build: string, losses: number[], accuracy: number,
 *   weights: number[], weightShapes: number[][], hash: string, firstPrediction: number[], ms: number,
 *   saveLoad: { samePredictions: boolean, sameAfterOneMoreEpoch: boolean, weightBytes: number }
 * }} ScenarioResult
 */

// examples/browser/main.js trains the same model with the same numbers, so its fingerprint is checked too.
export const SCENARIO = { seed: 7, epochs: 20, batchSize: 16, learningRate: 0.01 };

/** FNV-1a (32 bit) over the bytes of float32 values: a short fingerprint for logs. */
export function fnv1a(floats) {
  const bytes = new Uint8Array(Float32Array.from(floats).buffer);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Which runtime this is, for the report. */
export function runtimeName() {
  const g = /** @type {any} */ (globalThis);
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  return g.navigator?.userAgent ?? 'unknown';
}

/**
 * @param {{ sinew: any, datasets: any }} pkg   the package's main module and its `datasets` module
 * @param {{ build?: 'auto' | 'wasm-relaxed' | 'wasm-simd' | 'js' }} [options]
 * @returns {Promise<ScenarioResult>}
 */
export async function runScenario({ sinew, datasets }, { build = 'auto' } = {}) {
  const start = performance.now();
  const { Sequential, Dense, Adam } = sinew;
  const backend =
    build === 'auto' ? await sinew.init() : build === 'js' ? await sinew.init({ backend: 'js' }) : await sinew.init({ backend: 'wasm', build });

  const iris = datasets.loadIris();
  const x = datasets.standardize(iris.x).train;
  const y = datasets.toOneHot(iris.y, 3);

  const model = new Sequential({ seed: SCENARIO.seed });
  model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));
  model.add(new Dense(8, { activation: 'relu' }));
  model.add(new Dense(3, { activation: 'softmax' }));
  model.compile({
    optimizer: new Adam({ learningRate: SCENARIO.learningRate }),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const history = await model.fit(x, y, { epochs: SCENARIO.epochs, batchSize: SCENARIO.batchSize, seed: SCENARIO.seed, verbose: 0 });
  const losses = Array.from(history.history?.loss ?? history.loss, Number);

  /** @type {Matrix} */
  const probs = model.predict(x);
  const classes = probs.shape[1];
  let correct = 0;
  for (let i = 0; i < probs.shape[0]; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (probs.data[i * classes + j] > probs.data[i * classes + best]) best = j;
    if (best === iris.y.data[i]) correct++;
  }

  /** @type {Matrix[]} */
  const tensors = model.getWeights();
  const weights = tensors.flatMap((t) => Array.from(t.data));

  // Save and load in memory (the form every runtime has), then one more epoch on both: the copy must
  // predict and train exactly as the original does.
  const artifacts = model.toArtifacts({ includeOptimizer: true });
  const copy = sinew.fromArtifacts(artifacts);
  const samePredictions = fnv1a(copy.predict(x).data) === fnv1a(probs.data) && copy.predict(x).data.every((v, i) => v === probs.data[i]);
  await model.fit(x, y, { epochs: 1, batchSize: SCENARIO.batchSize, verbose: 0 });
  await copy.fit(x, y, { epochs: 1, batchSize: SCENARIO.batchSize, verbose: 0 });
  const flat = (m) => m.getWeights().flatMap((t) => Array.from(t.data));
  const continued = flat(model);
  const sameAfterOneMoreEpoch = flat(copy).every((v, i) => Object.is(v, continued[i]));
  copy.dispose();
  model.dispose();
  return {
    runtime: runtimeName(),
    backend: String(backend),
    build,
    losses,
    accuracy: correct / probs.shape[0],
    weights,
    weightShapes: tensors.map((t) => [...t.shape]),
    hash: fnv1a(weights),
    firstPrediction: Array.from(probs.data.subarray(0, classes)),
    ms: Math.round(performance.now() - start),
    saveLoad: { samePredictions, sameAfterOneMoreEpoch, weightBytes: artifacts.weightData.byteLength },
  };
}

/**
 * The file route (runtimes with a file system: Node, Deno, Bun): save a small trained model with its
 * optimizer state into `dir` (relative to the working directory), load it back, compare.
 * @param {{ sinew: any }} pkg
 * @param {string} dir
 * @returns {Promise<{ files: { samePredictions: boolean, sameOptimizer: boolean, runtime: string } }>}
 */
export async function runFileRoundTrip({ sinew }, dir) {
  await sinew.init();
  const { Sequential, Dense } = sinew;
  const x = [[0.1, 0.2, 0.3], [0.3, -0.2, 0.1], [-0.5, 0.4, 0.9], [0.7, 0.1, -0.3]];
  const y = [[1, 0], [0, 1], [1, 0], [0, 1]];
  const model = new Sequential({ seed: 5, layers: [new Dense(4, { inputDim: 3, activation: 'tanh' }), new Dense(2, { activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
  await model.save(dir, { includeOptimizer: true });
  const back = await sinew.loadModel(dir);
  const a = model.predict(x).data;
  const samePredictions = back.predict(x).data.every((v, i) => v === a[i]);
  const sameOptimizer = back.optimizer.iterations === model.optimizer.iterations && back.optimizer.name === 'adam';
  return { files: { samePredictions, sameOptimizer, runtime: runtimeName() } };
}
