import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, TRANSCENDENTAL, sumTolerance } from '../helpers/close.js';
import { uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { countSubnormal, expectFlushed } from '../helpers/subnormal.js';
import { ACT } from '../../src/backend/abi.js';
import { sigmoid } from '../../src/backend/js/activations.js';

// The exp-based activations and softmax, forward and backward, fed inputs whose exact result is
// subnormal (src/backend/abi.ts, "Subnormal floats"): every backend returns ±0 there and never a
// subnormal anywhere; the kernels that equal the twin bit for bit still do. Counted, never timed.

const backends = await twinAndWasm();
const ALPHA = 0.5; // elu: alpha·x is subnormal for some normal x
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/** −110…110 in steps of 1/32, the exp cut-off ±8 ULP, and tiny values of both signs. */
const INPUTS: Float32Array = (() => {
  const v: number[] = [];
  for (let i = -110 * 32; i <= 110 * 32; i++) v.push(i / 32);
  const cut = new Float32Array([-126 * Math.LN2]);
  const bits = new Int32Array(cut.buffer);
  for (let d = -8; d <= 8; d++) v.push(new Float32Array(new Int32Array([bits[0] + d]).buffer)[0]);
  for (const t of [1e-45, 1e-40, 5.9e-39, 1.1e-38, 1.2e-38, 2.4e-38, 1e-37, 2 ** -120, 2 ** -100, 1e-30, 2 ** -61, 2 ** -60, 2 ** -59, 1e-18, 1e-10, 1e-5]) v.push(t, -t);
  return new Float32Array(v);
})();

type Name = 'sigmoid' | 'tanh' | 'elu' | 'gelu' | 'silu';
const NAMES: Name[] = ['sigmoid', 'tanh', 'elu', 'gelu', 'silu'];
const EXACT_BACKWARD = new Set<Name>(['sigmoid', 'tanh', 'elu']);

const gelu = (x: number) => x * sigmoid(2 * GELU_C * x * (1 + GELU_K * x * x));
const FORWARD: Record<Name, (x: number) => number> = {
  sigmoid,
  tanh: Math.tanh,
  elu: (x) => (x > 0 ? x : ALPHA * Math.expm1(x)),
  gelu,
  silu: (x) => x * sigmoid(x),
};

/** act'(x)·dy in float64 from x and the saved y (as the kernels read them). */
function backwardExact(name: Name, x: number, y: number, dy: number): number {
  switch (name) {
    case 'sigmoid':
      return dy * y * (1 - y);
    case 'tanh':
      return dy * (1 - y) * (1 + y);
    case 'elu':
      return y > 0 ? dy : dy * (y + ALPHA);
    case 'gelu': {
      const s = sigmoid(2 * GELU_C * x * (1 + GELU_K * x * x));
      return dy * (s + x * s * (1 - s) * 2 * GELU_C * (1 + 3 * GELU_K * x * x));
    }
    case 'silu': {
      const s = sigmoid(x);
      return dy * (s + x * s * (1 - s));
    }
  }
}

const DY = [1, -0.7, 1e-3, 1e-10, 1e-20, -1e-30, 1e-36, 3e-39];

describe('activation_forward: results below 2^-126 are 0', () => {
  for (const name of NAMES) {
    it(`${name}: ±0 wherever the exact value is subnormal, no subnormal output, twin within TRANSCENDENTAL`, () => {
      const t = new Twin(backends);
      const x = t.input(INPUTS);
      const y = t.output(INPUTS.length);
      t.call('activation_forward', y, x, INPUTS.length, ACT[name], name === 'elu' ? ALPHA : 0);
      const exact = Array.from(INPUTS, FORWARD[name]);
      // 1e-5: the WebAssembly exp/tanh approximations are a few ULP off right at the boundary
      const zeros = expectFlushed(t, y, exact, `${name} forward`, 1e-5);
      expect(zeros, `${name}: inputs with a subnormal result`).toBeGreaterThan(4);
      expectBuffersAgree(t, y, TRANSCENDENTAL, `${name} forward`);
      t.expectSentinelsIntact();
    });
  }

  it('tanh keeps the sign of a flushed zero; sigmoid(−88), silu(−95) and silu(−100) are 0', () => {
    const t = new Twin(backends);
    const y = t.output(2);
    t.call('activation_forward', y, t.input([1e-40, -1e-40]), 2, ACT.tanh, 0);
    for (const got of t.read(y)) expect([Object.is(got[0], 0), Object.is(got[1], -0)]).toEqual([true, true]);
    const z = t.output(2);
    t.call('activation_forward', z, t.input([-88, -88]), 2, ACT.sigmoid, 0);
    for (const got of t.read(z)) expect(Array.from(got)).toEqual([0, 0]);
    t.call('activation_forward', z, t.input([-95, -100]), 2, ACT.silu, 0);
    for (const got of t.read(z)) expect(Array.from(got).every((v) => v === 0)).toBe(true);
  });
});

describe('activation_backward: gradients below 2^-126 are 0', () => {
  for (const name of NAMES) {
    const tol = EXACT_BACKWARD.has(name) ? EXACT : TRANSCENDENTAL;
    it(`${name}': ±0 wherever dy·act' is subnormal, no subnormal gradient, twin ${tol === EXACT ? 'bit for bit' : 'within TRANSCENDENTAL'}`, () => {
      const n = INPUTS.length;
      const alpha = name === 'elu' ? ALPHA : 0;
      // the float32 twin's y for everyone, so every backend differentiates the same numbers
      const t0 = new Twin([backends[0]]);
      const yb = t0.output(n);
      t0.call('activation_forward', yb, t0.input(INPUTS), n, ACT[name], alpha);
      const ys = t0.read(yb)[0];
      expect(countSubnormal(ys)).toBe(0);
      const dys = new Float32Array(n).map((_, i) => DY[i % DY.length]);
      const t = new Twin(backends);
      const dx = t.output(n);
      t.call('activation_backward', dx, t.input(dys), t.input(INPUTS), t.input(ys), n, ACT[name], alpha);
      const exact = Array.from(INPUTS, (x, i) => backwardExact(name, x, ys[i], dys[i]));
      const zeros = expectFlushed(t, dx, exact, `${name} backward`, name === 'gelu' || name === 'silu' ? 1e-5 : 2 ** -20);
      expect(zeros, `${name}': elements whose gradient is subnormal`).toBeGreaterThan(4);
      expectBuffersAgree(t, dx, tol, `${name} backward`);
      t.expectSentinelsIntact();
    });
  }
});

describe('softmax: probabilities and gradients below 2^-126 are 0', () => {
  // Each row: a 0 logit (the max) and others 80…110 below it, so e^(z − max)/Σ spans the boundary.
  const GAPS = [80, 84, 86, 87, 87.2, 87.3, 87.33, 87.34, 87.35, 87.4, 88, 90, 95, 100, 103.9, 104.1, 110];
  const N = 7;
  const M = GAPS.length;
  const logits = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) logits[i * N + j] = j === 0 ? 0 : j === 1 ? 0.5 : -(GAPS[i] + (j - 2) * 0.37);
  }
  const exactRow = (row: Float32Array): number[] => {
    const m = Math.max(...row);
    const e = Array.from(row, (z) => Math.exp(z - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const exactP = Array.from({ length: M }, (_, i) => exactRow(logits.subarray(i * N, i * N + N))).flat();

  it('softmax_forward: ±0 wherever the exact probability is subnormal, none subnormal, twin within TRANSCENDENTAL', () => {
    const t = new Twin(backends);
    const y = t.output(M * N);
    t.call('softmax_forward', y, t.input(logits), M, N);
    expect(expectFlushed(t, y, exactP, 'softmax', 1e-5)).toBeGreaterThan(10);
    expectBuffersAgree(t, y, TRANSCENDENTAL, 'softmax');
    t.expectSentinelsIntact();
  });

  it('softmax_backward: ±0 wherever y·(dy − Σ dy·y) is subnormal, none subnormal, twin within sumTolerance', () => {
    const t0 = new Twin([backends[0]]);
    const yb = t0.output(M * N);
    t0.call('softmax_forward', yb, t0.input(logits), M, N);
    const ys = t0.read(yb)[0];
    // dy = 0 on the two large probabilities, so Σ dy·y is tiny and dy − Σ dy·y ≈ dy: no cancellation
    const dys = uniform(M * N, 5, -1e-3, 1e-3).map((v, i) => (i % N < 2 ? 0 : v));
    const t = new Twin(backends);
    const dx = t.output(M * N);
    t.call('softmax_backward', dx, t.input(dys), t.input(ys), M, N);
    const exact: number[] = [];
    for (let i = 0; i < M; i++) {
      let dot = 0;
      for (let j = 0; j < N; j++) dot += dys[i * N + j] * ys[i * N + j];
      for (let j = 0; j < N; j++) exact.push(ys[i * N + j] * (dys[i * N + j] - dot));
    }
    expect(expectFlushed(t, dx, exact, 'softmax backward', 1e-5)).toBeGreaterThan(10);
    expectBuffersAgree(t, dx, sumTolerance(N), 'softmax backward');
    t.expectSentinelsIntact();
  });
});
