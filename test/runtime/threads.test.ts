import { afterAll, describe, expect, it } from 'vitest';
import { Sequential, layers, init, backendInfo } from '../../src/index.js';
import { blobs, expectSameWeights } from '../helpers/models.js';

// The products are cut into output tiles, never along the summation, so a model trains to the same
// bits on any number of threads. 784-128-10 at batch 128 is large enough that every product of the
// step is shared (M·K·N well above the pool's threshold).
const data = blobs(512, 784, 10, 7);

async function trainOn(threads: number, build: 'wasm-relaxed' | 'wasm-simd') {
  await init({ threads, build });
  expect(backendInfo()).toEqual({ name: build, threads });
  const model = new Sequential({ seed: 11 });
  model.add(layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(data.x, data.oneHot, { epochs: 2, batchSize: 128, seed: 3, verbose: 0 });
  const running = model.state.backend.threads?.() ?? 1;
  const pred = model.predict(data.x.slice(0, 200));
  const weights = model.getWeights().map((w) => ({ data: w.data.slice(), shape: w.shape }));
  model.dispose();
  return { running, pred: Float32Array.from(pred.data), model: { getWeights: () => weights } };
}

describe('init({ threads })', () => {
  afterAll(() => init());

  for (const build of ['wasm-relaxed', 'wasm-simd'] as const) {
    it(`${build}: weights and predictions are bit-identical on 1, 2, 3 and 4 threads`, async () => {
      const one = await trainOn(1, build);
      expect(one.running).toBe(1);
      for (const threads of [2, 3, 4]) {
        const many = await trainOn(threads, build);
        expect(many.running).toBe(threads);
        expectSameWeights(many.model, one.model, `${build}, ${threads} threads`);
        expect(Buffer.from(many.pred.buffer).equals(Buffer.from(one.pred.buffer))).toBe(true);
      }
    });
  }

  it('refuses a thread count that is not an integer from 1 to 256', async () => {
    await expect(init({ threads: 0 })).rejects.toThrow('init: expected threads to be an integer from 1 to 256, received 0');
    await expect(init({ threads: 2.5 })).rejects.toThrow('received 2.5');
  });
});

describe('a worker thread that dies', () => {
  it('fails the call it was part of with a clear error, leaves the weights as they were, and the model goes on with one thread', async () => {
    const { threadSupport } = await import('../../src/runtime/threads_node.js');
    const { instantiateThreadedBackend } = await import('../../src/backend/threads/threaded_backend.js');
    const { threadsWasmUrl } = await import('../../src/runtime/wasm_files.js');
    const { readFileSync } = await import('node:fs');
    const support = await threadSupport();
    const handles: { terminate(): void }[] = [];
    const spawn = (data: Parameters<NonNullable<typeof support.spawn>>[0], onDeath: (why: string) => void) => {
      const h = support.spawn!(data, onDeath);
      handles.push(h);
      return h;
    };
    const module = new WebAssembly.Module(readFileSync(threadsWasmUrl('wasm-simd')));
    const backend = instantiateThreadedBackend(module, 'wasm-simd', 2, spawn, true);
    await init({ build: 'wasm-simd', threads: 1 });
    const model = new Sequential({ seed: 5, backend });
    model.add(layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
    model.add(layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    await model.fit(data.x, data.oneHot, { epochs: 1, batchSize: 128, verbose: 0 });
    expect(backend.threads!()).toBe(2);
    const before = model.getWeights().map((w) => ({ data: w.data.slice(), shape: w.shape }));

    handles[0].terminate();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the worker's exit event arrives
    await expect(model.fit(data.x, data.oneHot, { epochs: 1, batchSize: 128, verbose: 0 })).rejects.toThrow(
      /sinew: a worker thread failed \(worker 1 exited \(code \d+\)\); this call was stopped before it changed the model's weights, and the model goes on with one thread/,
    );
    expectSameWeights(model, { getWeights: () => before }, 'after the failed fit');
    expect(backend.threads!()).toBe(1);
    const history = await model.fit(data.x, data.oneHot, { epochs: 1, batchSize: 128, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    model.dispose();
  });
});
