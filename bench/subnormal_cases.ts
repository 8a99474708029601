// The kernels `npm run bench -- subnormal` times, each with two sets of inputs: "normal" (values of
// ordinary size) and "subnormal" (values that, without the kernels' flush to zero, make the kernel read
// or write subnormal floats: moments decaying just above 2^-126, saturated exponentials, tiny
// gradients). Same work either way (every kernel is branch-free), so their time ratio is the cost of
// subnormals. Used by bench/subnormal.bench.ts; the flush itself: src/backend/abi.ts, "Subnormal floats".

import { ACT, type Kernels } from '../src/backend/abi.js';

export type Inputs = 'normal' | 'subnormal';

/** Parameters of Dense(784→128) + Dense(128→10): the optimizer block of model A. */
export const OPT_N = 101_770;
/** Element-wise activations: a 512×128 hidden layer. */
export const ACT_N = 65_536;
/** Row-wise kernels (softmax, the fused losses): M rows of N classes. */
export const ROWS = 512;
export const COLS = 128;

export interface SubnormalCase {
  name: string;
  n: number;
  /** Value of buffer `j` at element `i` for this kind of input. */
  value: (kind: Inputs, j: number, i: number) => number;
  buffers: number;
  /** Buffers the kernel overwrites that it also reads: restored before every timed call. */
  restore: number[];
  /** Buffers whose subnormal values are counted after one call (the check that the flush works). */
  outputs: number[];
  run: (k: Kernels, p: number[]) => unknown;
}

/** A deterministic value in [0, 1) for (i, salt). */
function u(i: number, salt: number): number {
  return (((i + 1) * 2654435761 + salt * 40503) >>> 0) / 4294967296;
}
/** Uniform in [lo, hi). */
const lin = (lo: number, hi: number, i: number, salt: number) => lo + (hi - lo) * u(i, salt);
/** Log-uniform in [lo, hi), for spans of magnitudes; alternating sign when `signed`. */
function log(lo: number, hi: number, i: number, salt: number, signed = false): number {
  const v = lo * (hi / lo) ** u(i, salt);
  return signed && i % 2 === 1 ? -v : v;
}
const normal = (i: number, j: number) => lin(0.5, 1, i, j + 1);

// Just above 2^-126: one decay step (×0.9, ×0.999) or one product with a coefficient is subnormal.
const NEAR_MIN: [number, number] = [1.2e-38, 2.4e-38];

export const CASES: SubnormalCase[] = [
  // ---- optimizers: w, slots…, g; the weights and slots are restored before every call ----------
  {
    name: 'sgd_update',
    n: OPT_N,
    buffers: 2,
    restore: [0],
    outputs: [0],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 0 ? 0 : log(1e-33, 1e-31, i, 2, true)), // lr·g subnormal, w = 0
    run: (k, [w, g]) => k.sgd_update(w, g, OPT_N, 1e-6),
  },
  {
    name: 'momentum_update',
    n: OPT_N,
    buffers: 3,
    restore: [0, 1],
    outputs: [0, 1],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 1 ? log(...NEAR_MIN, i, 3, true) : 0), // μ·v subnormal, g = 0
    run: (k, [w, v, g]) => k.momentum_update(w, v, g, OPT_N, 1e-3, 0.9, 0),
  },
  {
    name: 'adagrad_update',
    n: OPT_N,
    buffers: 3,
    restore: [0, 1],
    outputs: [0, 1],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 2 ? log(1e-21, 1e-20, i, 4, true) : 0), // g² subnormal, acc = 0
    run: (k, [w, a, g]) => k.adagrad_update(w, a, g, OPT_N, 1e-3, 1e-7),
  },
  {
    name: 'rmsprop_update',
    n: OPT_N,
    buffers: 4,
    restore: [0, 1, 2],
    outputs: [0, 1, 2],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 1 ? log(...NEAR_MIN, i, 5) : j === 3 ? log(1e-21, 1e-20, i, 6, true) : 0),
    run: (k, [w, s, m, g]) => k.rmsprop_update(w, s, m, g, OPT_N, 1e-3, 0.9, 0, 1e-7),
  },
  {
    name: 'rmsprop_update (momentum)',
    n: OPT_N,
    buffers: 4,
    restore: [0, 1, 2],
    outputs: [0, 1, 2],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 1 || j === 2 ? log(...NEAR_MIN, i, 7, j === 2) : 0),
    run: (k, [w, s, m, g]) => k.rmsprop_update(w, s, m, g, OPT_N, 1e-3, 0.9, 0.5, 1e-7),
  },
  {
    // the training case: first moments of weights whose gradient is now always 0 decay past 2^-126
    name: 'adam_update',
    n: OPT_N,
    buffers: 4,
    restore: [0, 1, 2],
    outputs: [0, 1, 2],
    value: (kind, j, i) => (kind === 'normal' ? normal(i, j) : j === 0 ? normal(i, 0) : j === 1 ? log(...NEAR_MIN, i, 8, true) : j === 2 ? log(1e-10, 1e-9, i, 9) : 0),
    run: (k, [w, m, v, g]) => k.adam_update(w, m, v, g, OPT_N, 3.16e-4, 0.9, 0.999, 1e-7),
  },
  // ---- activations: x → y (forward), dy, x, y → dx (backward) ------------------------------------
  ...(['sigmoid', 'tanh', 'elu', 'gelu', 'silu'] as const).map((act): SubnormalCase => {
    // inputs whose result is subnormal: saturated exponentials, or tiny x where act(x) ≈ x
    const sub: Record<typeof act, (i: number) => number> = {
      sigmoid: (i) => lin(-103, -88, i, 10),
      tanh: (i) => log(1e-45, 1.1e-38, i, 11, true),
      elu: (i) => -log(1e-45, 2.3e-38, i, 12), // alpha·x with alpha = 0.5
      gelu: (i) => lin(-10.6, -10.15, i, 13),
      silu: (i) => lin(-103, -85, i, 14),
    };
    return {
      name: `${act} forward`,
      n: ACT_N,
      buffers: 2,
      restore: [],
      outputs: [1],
      value: (kind, j, i) => (j === 1 ? 0 : kind === 'normal' ? lin(-4, 4, i, 15) : sub[act](i)),
      run: (k, [x, y]) => k.activation_forward(y, x, ACT_N, ACT[act], act === 'elu' ? 0.5 : 0),
    };
  }),
  ...(['sigmoid', 'tanh', 'elu', 'gelu', 'silu'] as const).map((act): SubnormalCase => {
    // [dy, x, y]: a local derivative near 2^-126 (sigmoid y, gelu/silu x) or a tiny dy against one near 2^-24
    const sub: Record<typeof act, (j: number, i: number) => number> = {
      sigmoid: (j, i) => (j === 0 ? lin(1e-3, 1e-2, i, 16) : log(...NEAR_MIN, i, 17)),
      tanh: (j, i) => (j === 0 ? log(1e-33, 1e-32, i, 18) : 1 - 2 ** -24 * (1 + (i % 8))),
      elu: (j, i) => (j === 0 ? log(1e-33, 1e-32, i, 19) : -1 + 2 ** -24 * (1 + (i % 8))),
      gelu: (j, i) => (j === 0 ? lin(1e-3, 1e-2, i, 20) : lin(-10.6, -10.15, i, 21)),
      silu: (j, i) => (j === 0 ? lin(1e-3, 1e-2, i, 22) : lin(-103, -85, i, 23)),
    };
    return {
      name: `${act} backward`,
      n: ACT_N,
      buffers: 4,
      restore: [],
      outputs: [3],
      value: (kind, j, i) => (j === 3 ? 0 : kind === 'normal' ? (j === 2 ? lin(0.1, 0.9, i, 24) : lin(-2, 2, i, 25 + j)) : sub[act](j, i)),
      run: (k, [dy, x, y, dx]) => k.activation_backward(dx, dy, x, y, ACT_N, ACT[act], act === 'elu' ? 1 : 0),
    };
  }),
  // ---- softmax and the losses: rows of COLS logits, one of them the max ------------------------
  {
    name: 'softmax_forward',
    n: ROWS * COLS,
    buffers: 2,
    restore: [],
    outputs: [1],
    value: (kind, j, i) => (j === 1 ? 0 : i % COLS === 0 ? 0 : kind === 'normal' ? lin(-4, 4, i, 30) : lin(-103, -88, i, 31)),
    run: (k, [z, p]) => k.softmax_forward(p, z, ROWS, COLS),
  },
  {
    name: 'softmax_backward',
    n: ROWS * COLS,
    buffers: 3,
    restore: [],
    outputs: [2],
    value: (kind, j, i) => (j === 2 ? 0 : j === 0 ? lin(-1, 1, i, 32) : kind === 'normal' ? lin(0, 2 / COLS, i, 33) : log(...NEAR_MIN, i, 34)),
    run: (k, [dy, y, dx]) => k.softmax_backward(dx, dy, y, ROWS, COLS),
  },
  {
    name: 'softmax_cce_forward',
    n: ROWS * COLS,
    buffers: 3,
    restore: [],
    outputs: [1],
    value: (kind, j, i) => (j === 1 ? 0 : j === 2 ? (i % COLS === 0 ? 1 : 0) : i % COLS === 0 ? 0 : kind === 'normal' ? lin(-4, 4, i, 35) : lin(-103, -88, i, 36)),
    run: (k, [z, p, t]) => k.softmax_cce_forward(p, z, t, ROWS, COLS),
  },
  {
    name: 'softmax_cce_backward',
    n: ROWS * COLS,
    buffers: 3,
    restore: [],
    outputs: [2],
    value: (kind, j, i) => (j === 2 ? 0 : j === 1 ? (i % COLS === 0 ? 1 : 0) : kind === 'normal' ? lin(0, 2 / COLS, i, 37) : log(...NEAR_MIN, i, 38)), // p/M subnormal
    run: (k, [p, t, dz]) => k.softmax_cce_backward(dz, p, t, ROWS, COLS),
  },
  {
    name: 'bce_logits_forward',
    n: ACT_N,
    buffers: 2,
    restore: [],
    outputs: [],
    value: (kind, j, i) => (j === 1 ? 0 : kind === 'normal' ? lin(-4, 4, i, 39) : lin(-103, -88, i, 40)),
    run: (k, [z, t]) => k.bce_logits_forward(z, t, ROWS, ACT_N / ROWS),
  },
  {
    name: 'bce_logits_backward',
    n: ACT_N,
    buffers: 3,
    restore: [],
    outputs: [2],
    value: (kind, j, i) => (j === 2 ? 0 : j === 1 ? 0 : kind === 'normal' ? lin(-4, 4, i, 41) : lin(-88, -76, i, 42)), // σ(z)/(M·N) subnormal
    run: (k, [z, t, dz]) => k.bce_logits_backward(dz, z, t, ROWS, ACT_N / ROWS),
  },
];
