// No subnormal float anywhere in a trained model's memory (src/backend/abi.ts, "Subnormal floats"):
// model A (784 → 128 relu → 10 softmax, Adam, batch 128) trains 5 epochs on MNIST-shaped synthetic
// data whose 4-pixel border is zero in all rows but a few — the data that drives Adam's first moment
// of border weights and dead units through the subnormal range (12 % of m after a few epochs before
// the kernels flushed) — then every value of the weights, the gradients, the optimizer slots and the
// per-call buffers (each layer's output and output gradient, the batch scratch) is counted: zero
// subnormals, on both WebAssembly builds and on the float32 twin. Counted, never timed, so it holds on
// every CPU. Slots and weights are also never in (0, 2^-86): the kernels' threshold holds.
//
// The twin is ~40× slower than WebAssembly (a minute for these 960 steps), so it continues the
// wasm-simd model from its final state (weights, slots, step count) for one epoch of 48 batches: its
// own kernels then carry first moments across the threshold, where the old kernels wrote subnormals.

import { describe, expect, it } from 'vitest';
import { Adam, Dense, Sequential } from '../../src/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { SLOT_FTZ } from '../../src/backend/js/flush.js';
import { makeDataset } from '../../bench/train/data.js';
import { jsBackend, wasmBackend, WASM_BUILDS } from '../helpers/backends.js';
import { countBelow, countSubnormal } from '../helpers/subnormal.js';

const ROWS = 24_576; // 192 batches per epoch: 960 Adam steps in 5 epochs
const EPOCHS = 5;
const FRAME = 4; // border width, in pixels of the 28×28 image
const BORDER_EVERY = 8192; // rows 0, 8192, 16384 keep their border; every other row's border is 0
const TWIN_BATCHES = 48;

function borderData(): { x: Float32Array; y: Float32Array } {
  const d = makeDataset(ROWS);
  for (let r = 0; r < ROWS; r++) {
    if (r % BORDER_EVERY === 0) continue;
    for (let p = 0; p < 784; p++) {
      const [row, col] = [Math.floor(p / 28), p % 28];
      if (row < FRAME || row >= 28 - FRAME || col < FRAME || col >= 28 - FRAME) d.x[r * 784 + p] = 0;
    }
  }
  return { x: d.x, y: d.y };
}

function modelA(backend: Backend): { model: Sequential; adam: Adam } {
  const model = new Sequential({ seed: 7, backend });
  model.add(new Dense(128, { inputDim: 784, activation: 'relu' }));
  model.add(new Dense(10, { activation: 'softmax' }));
  const adam = new Adam();
  model.compile({ optimizer: adam, loss: 'categoricalCrossentropy' });
  return { model, adam };
}

/** Subnormal counts per region of the model's memory, and values in (0, 2^-86) in weights and slots. */
function census(model: Sequential): { subnormal: Record<string, number>; belowSlotFtz: number } {
  const plan = model.state.plan!;
  const heap = model.state.backend.arena.heap();
  const at = (ptr: number, n: number) => heap.subarray(ptr >> 2, (ptr >> 2) + n);
  const subnormal: Record<string, number> = {
    weights: countSubnormal(at(plan.params, plan.n)),
    gradients: countSubnormal(at(plan.grads, plan.n)),
    state: countSubnormal(at(plan.state, plan.stateN)),
    // every layer's output, output gradient and saved buffers, and the batch scratch
    'call buffers': countSubnormal(at(plan.callStart, (plan.callEnd - plan.callStart) >> 2)),
  };
  plan.slots.forEach((s, i) => (subnormal[`slot ${i}`] = countSubnormal(at(s, plan.n))));
  const belowSlotFtz = [plan.params, ...plan.slots].reduce((sum, p) => sum + countBelow(at(p, plan.n), SLOT_FTZ), 0);
  return { subnormal, belowSlotFtz };
}

const zeros = (c: Record<string, number>) => Object.fromEntries(Object.keys(c).map((k) => [k, 0]));

const data = borderData();

describe('training model A leaves no subnormal float in the model (counted, not timed)', () => {
  const x = { data: data.x, shape: [ROWS, 784] };
  const y = { data: data.y, shape: [ROWS, 10] };
  const trained = new Map<string, { model: Sequential; adam: Adam }>();

  for (const build of WASM_BUILDS) {
    it(`${build}: ${EPOCHS} epochs, zero subnormals in weights, gradients, slots and call buffers`, async () => {
      const a = modelA(await wasmBackend(build));
      await a.model.fit(x, y, { epochs: EPOCHS, batchSize: 128, seed: 3, verbose: 0 });
      trained.set(build, a);
      expect(a.adam.iterations).toBe(EPOCHS * (ROWS / 128));
      const c = census(a.model);
      expect(c.subnormal, build).toEqual(zeros(c.subnormal));
      expect(c.belowSlotFtz, `${build}: weights and slots in (0, 2^-86)`).toBe(0);
    });
  }

  it(`float32 twin: continuing wasm-simd's model for ${TWIN_BATCHES} batches, zero subnormals`, async () => {
    const from = trained.get('wasm-simd');
    expect(from, 'the wasm-simd test ran first').toBeDefined();
    const rows = TWIN_BATCHES * 128;
    const xs = { data: data.x.subarray(0, rows * 784), shape: [rows, 784] };
    const ys = { data: data.y.subarray(0, rows * 10), shape: [rows, 10] };
    const twin = modelA(jsBackend());
    // plans the memory and fills the slots without a step (initialEpoch = epochs), then takes the state over
    await twin.model.fit(xs, ys, { epochs: 1, initialEpoch: 1, batchSize: 128, verbose: 0 });
    const src = from!.model.state;
    const dst = twin.model.state;
    const [sp, dp] = [src.plan!, dst.plan!];
    expect(dp.n).toBe(sp.n);
    const copy = (s: number, d: number) => dst.backend.arena.heap().set(src.backend.arena.heap().subarray(s >> 2, (s >> 2) + sp.n), d >> 2);
    copy(sp.params, dp.params);
    sp.slots.forEach((s, i) => copy(s, dp.slots[i]));
    twin.adam.iterations = from!.adam.iterations;
    // first moments that the twin's steps can decay (×0.9 each, with no gradient) below 2^-86: it must flush them
    const m = dst.backend.arena.heap().subarray(dp.slots[0] >> 2, (dp.slots[0] >> 2) + dp.n);
    expect(countBelow(m, SLOT_FTZ / 0.9 ** TWIN_BATCHES), 'first moments within reach of the threshold').toBeGreaterThan(20);
    await twin.model.fit(xs, ys, { epochs: 1, batchSize: 128, seed: 5, verbose: 0 });
    const c = census(twin.model);
    expect(c.subnormal, 'twin').toEqual(zeros(c.subnormal));
    expect(c.belowSlotFtz, 'twin: weights and slots in (0, 2^-86)').toBe(0);
  });
});
