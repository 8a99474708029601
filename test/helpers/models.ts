// Model-level test helpers: the backends model tests run on ('wasm' = the build init() picks, 'js' =
// the float32 TypeScript twin, 'f64' = the float64 twin for gradient checks) and small data makers.

import { init } from '../../src/runtime/init.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { Rng } from '../../src/random.js';

export type ModelBackend = 'wasm' | 'js';
export const MODEL_BACKENDS: ModelBackend[] = ['wasm', 'js'];

let ready: Promise<unknown> | undefined;
/** Loads the WebAssembly kernels once per test file (init picks relaxed SIMD where it validates). */
export function initWasm(): Promise<unknown> {
  return (ready ??= init({ backend: 'wasm' }));
}

/** The `backend` option for new Sequential: undefined (init()'s wasm choice) or a fresh TS twin. */
export function backendFor(kind: ModelBackend | 'f64'): Backend | undefined {
  if (kind === 'js') return createJsBackend();
  if (kind === 'f64') return createJsBackend({ float64: true });
  return undefined;
}

/** n×d uniform numbers in [lo, hi), seeded, as nested rows. */
export function randomRows(n: number, d: number, seed: number, lo = -1, hi = 1): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => lo + (hi - lo) * rng.uniform()));
}

/** Toy classification: class = argmax of a fixed linear map of x; returns one-hot rows and ids. */
export function blobs(n: number, d: number, classes: number, seed: number): { x: number[][]; ids: number[]; oneHot: number[][] } {
  const x = randomRows(n, d, seed);
  const w = randomRows(d, classes, seed + 1);
  const ids = x.map((row) => {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = row.reduce((s, xi, i) => s + xi * w[i][c], 0);
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    return best;
  });
  return { x, ids, oneHot: ids.map((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0))) };
}

/** Fails with the first differing index (a plain toEqual on 100,000 floats makes a diff that takes minutes). */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: index ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Every weight tensor of two models bit for bit. */
export function expectSameWeights(a: { getWeights(): { data: Float32Array; shape: number[] }[] }, b: { getWeights(): { data: Float32Array; shape: number[] }[] }, what: string): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  if (wa.length !== wb.length) throw new Error(`${what}: ${wa.length} tensors, expected ${wb.length}`);
  wa.forEach((w, i) => {
    if (w.shape.join() !== wb[i].shape.join()) throw new Error(`${what}: tensor ${i} has shape [${w.shape}], expected [${wb[i].shape}]`);
    expectSameBits(w.data, wb[i].data, `${what}, tensor ${i}`);
  });
}

/** Share of rows whose largest output is the class id (written here, independently of the library's accuracy()). */
export function heldOutAccuracy(pred: { data: ArrayLike<number>; shape: readonly number[] }, ids: { data: ArrayLike<number> }): number {
  const [n, k] = pred.shape;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (pred.data[i * k + j] > pred.data[i * k + best]) best = j;
    if (best === ids.data[i]) hits++;
  }
  return hits / n;
}
