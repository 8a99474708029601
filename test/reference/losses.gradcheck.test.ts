import { describe, expect, it } from 'vitest';
import { f64Backend } from '../helpers/backends.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';
import { rng } from '../helpers/cases.js';
import { heapIO } from '../helpers/heap_io.js';
import type { KernelName } from '../../src/backend/abi.js';

// Gradient checks on the float64 twin: every loss's backward against central differences of its
// forward (h = 1e-5, relative error < 1e-6), and the fused softmax + cross-entropy against the
// composition softmax → cce. Inputs keep away from the non-smooth points: probabilities inside
// [0.05, 0.95] (far from the clip), |p − t| ≥ 0.01 for mae.

const b = f64Backend();
const K = b.kernels;
const [M, N] = [3, 5];
const n = M * N;

const { put, get, set } = heapIO(b);
function doubles(len: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  return new Float64Array(len).map(() => lo + (hi - lo) * r());
}
function oneHot(labels: ArrayLike<number>): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < M; i++) t[i * N + labels[i]] = 1;
  return t;
}
function soft(seed: number): Float64Array {
  const t = doubles(n, seed, 0, 1);
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += t[i * N + j];
    for (let j = 0; j < N; j++) t[i * N + j] /= s;
  }
  return t;
}
const LABELS = [3, 0, 4];
const binary = (seed: number): Float64Array => doubles(n, seed, 0, 1).map((v) => (v < 0.5 ? 0 : 1));

/** Checks `${loss}_backward` against central differences of `${loss}_forward` at pred. */
function checkLoss(loss: string, pred: Float64Array, target: Float64Array | number[], what: string): void {
  const pp = put(pred);
  const pt = put(target);
  const pd = put(new Float64Array(n));
  const forward = K[`${loss}_forward` as KernelName] as (p: number, t: number, M: number, N: number) => number;
  const backward = K[`${loss}_backward` as KernelName] as (d: number, p: number, t: number, M: number, N: number) => void;
  const f = (x: Float64Array): number => {
    set(pp, x);
    return forward(pp, pt, M, N);
  };
  backward(pd, pp, pt, M, N);
  expectGradientsMatch(f, pred, get(pd, n), what);
}

/** The same for a fused loss: forward(p, z, t) writes p; backward reads that p. */
function checkFused(loss: string, z: Float64Array, target: Float64Array | number[], what: string): void {
  const pz = put(z);
  const pp = put(new Float64Array(n));
  const pt = put(target);
  const pd = put(new Float64Array(n));
  const forward = K[`${loss}_forward` as KernelName] as (p: number, z: number, t: number, M: number, N: number) => number;
  const backward = K[`${loss}_backward` as KernelName] as (d: number, p: number, t: number, M: number, N: number) => void;
  const f = (x: Float64Array): number => {
    set(pz, x);
    return forward(pp, pz, pt, M, N);
  };
  f(z);
  backward(pd, pp, pt, M, N);
  expectGradientsMatch(f, z, get(pd, n), what);
}

describe('loss gradients match central differences of the loss (float64 twin)', () => {
  it('mse: d/dp Σ(p − t)²/(M·N) = 2(p − t)/(M·N)', () => {
    checkLoss('mse', doubles(n, 1, -2, 2), doubles(n, 2, -2, 2), 'mse');
  });

  it('mae: d/dp Σ|p − t|/(M·N) = sign(p − t)/(M·N), away from p = t', () => {
    const t = doubles(n, 4, -2, 2);
    const p = doubles(n, 3, -2, 2).map((v, i) => (Math.abs(v - t[i]) < 0.01 ? t[i] + 0.5 : v));
    checkLoss('mae', p, t, 'mae');
  });

  it('bce on probabilities, hard and soft targets: (p − t)/(p(1 − p))/(M·N)', () => {
    checkLoss('bce', doubles(n, 5, 0.05, 0.95), binary(6), 'bce {0,1}');
    checkLoss('bce', doubles(n, 7, 0.05, 0.95), doubles(n, 8, 0, 1), 'bce soft');
  });

  it('bce on logits, hard and soft targets: (σ(z) − t)/(M·N)', () => {
    checkLoss('bce_logits', doubles(n, 9, -6, 6), binary(10), 'bce_logits {0,1}');
    checkLoss('bce_logits', doubles(n, 11, -6, 6), doubles(n, 12, 0, 1), 'bce_logits soft');
  });

  it('cce on probabilities, one-hot and soft targets: −t/p/M', () => {
    checkLoss('cce', doubles(n, 13, 0.05, 0.95), oneHot(LABELS), 'cce one-hot');
    checkLoss('cce', doubles(n, 14, 0.05, 0.95), soft(15), 'cce soft');
  });

  it('sparse cce: −1/p[label]/M at the label, 0 elsewhere', () => {
    checkLoss('sparse_cce', doubles(n, 16, 0.05, 0.95), LABELS, 'sparse_cce');
  });

  it('softmax + cce, one-hot and soft targets: (softmax(z) − t)/M', () => {
    checkFused('softmax_cce', doubles(n, 17, -4, 4), oneHot(LABELS), 'softmax_cce one-hot');
    checkFused('softmax_cce', doubles(n, 18, -4, 4), soft(19), 'softmax_cce soft');
  });

  it('softmax + sparse cce: (softmax(z) − onehot)/M', () => {
    checkFused('softmax_sparse_cce', doubles(n, 20, -4, 4), LABELS, 'softmax_sparse_cce');
  });
});

describe('fused softmax + cross-entropy equals the composition softmax → cce (float64 twin)', () => {
  for (const [name, target, sparse] of [
    ['one-hot', oneHot(LABELS), false],
    ['soft', soft(21), false],
    ['sparse', LABELS, true],
  ] as const) {
    it(`${name} targets: same loss, and dz = softmax_backward(cce_backward(p), p)`, () => {
      const z = doubles(n, 22, -4, 4);
      const pz = put(z);
      const pt = put(target);
      const p = put(new Float64Array(n));
      const fused = sparse ? K.softmax_sparse_cce_forward(p, pz, pt, M, N) : K.softmax_cce_forward(p, pz, pt, M, N);
      const composed = sparse ? K.sparse_cce_forward(p, pt, M, N) : K.cce_forward(p, pt, M, N);
      expect(Math.abs(fused - composed) / composed).toBeLessThan(1e-13);

      const dzFused = put(new Float64Array(n));
      if (sparse) K.softmax_sparse_cce_backward(dzFused, p, pt, M, N);
      else K.softmax_cce_backward(dzFused, p, pt, M, N);
      const dp = put(new Float64Array(n));
      if (sparse) K.sparse_cce_backward(dp, p, pt, M, N);
      else K.cce_backward(dp, p, pt, M, N);
      const dzComposed = put(new Float64Array(n));
      K.softmax_backward(dzComposed, dp, p, M, N);
      const a = get(dzFused, n);
      const c = get(dzComposed, n);
      for (let i = 0; i < n; i++) expect(Math.abs(a[i] - c[i]), `dz[${i}]`).toBeLessThan(1e-13);
    });
  }
});
