import { describe, expect, it } from 'vitest';
import { f64Backend } from '../helpers/backends.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';
import { rng } from '../helpers/cases.js';
import { heapIO } from '../helpers/heap_io.js';
import { ACT } from '../../src/backend/abi.js';

// Gradient checks on the float64 twin: each backward against central differences of its forward
// (h = 1e-5, relative error < 1e-6). A random projection w turns the vector function
// into a scalar, f(x) = Σ w·act(x), whose gradient is exactly activation_backward with dy = w.
// Inputs stay at least 0.01 away from x = 0, the kink of relu, leakyRelu and elu.

const b = f64Backend();
const K = b.kernels;

const { put, get, set } = heapIO(b);
function doubles(n: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  return new Float64Array(n).map(() => {
    const v = lo + (hi - lo) * r();
    return Math.abs(v) < 0.01 ? 0.01 + Math.abs(v) : v;
  });
}
const dot = (a: ArrayLike<number>, c: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * c[i];
  return s;
};

const ALPHA: Record<string, number> = { leakyRelu: 0.3, elu: 1.3 }; // ≠ 1, so a dropped alpha shows

describe('activation_backward is the derivative of activation_forward (float64 twin)', () => {
  for (const name of Object.keys(ACT) as (keyof typeof ACT)[]) {
    it(`${name}: dy·act'(x) matches central differences of Σ dy·act(x) over [-4, 4]`, () => {
      const n = 64;
      const alpha = ALPHA[name] ?? 0;
      const xs = doubles(n, 17, -4, 4);
      const w = doubles(n, 18, -1, 1);
      const px = put(xs);
      const py = put(new Float64Array(n));
      const pw = put(w);
      const pdx = put(new Float64Array(n));
      const f = (x: Float64Array): number => {
        set(px, x);
        K.activation_forward(py, px, n, ACT[name], alpha);
        return dot(w, get(py, n));
      };
      f(xs);
      K.activation_backward(pdx, pw, px, py, n, ACT[name], alpha);
      expectGradientsMatch(f, xs, get(pdx, n), name);
    });
  }

  it('the closed forms hold at a few points: σ\'(0) = 1/4, tanh\'(0) = 1, gelu\'(0) = 1/2, silu\'(0) = 1/2, elu\'(−1) = alpha/e', () => {
    const cases: [keyof typeof ACT, number, number][] = [
      ['sigmoid', 0, 0.25], // σ(1 − σ) = 1/2·1/2
      ['tanh', 0, 1], // 1 − tanh² 0
      ['gelu', 0, 0.5], // σ(0) + 0
      ['silu', 0, 0.5], // σ(0)·(1 + 0)
      ['elu', -1, 1.3 / Math.E], // alpha·e^x
      ['leakyRelu', -1, 0.3],
      ['relu', 2, 1],
    ];
    for (const [name, x, expected] of cases) {
      const px = put([x]);
      const py = put([0]);
      const pdx = put([0]);
      K.activation_forward(py, px, 1, ACT[name], ALPHA[name] ?? 0);
      K.activation_backward(pdx, put([1]), px, py, 1, ACT[name], ALPHA[name] ?? 0);
      expect(get(pdx, 1)[0], name).toBeCloseTo(expected, 14);
    }
  });
});

describe('softmax_backward is the derivative of softmax_forward (float64 twin)', () => {
  it('dx = y ⊙ (w − Σ w·y) matches central differences of Σ w·softmax(x), row by row', () => {
    const [M, N] = [4, 7];
    const xs = doubles(M * N, 31, -3, 3);
    const w = doubles(M * N, 32, -1, 1);
    const px = put(xs);
    const py = put(new Float64Array(M * N));
    const pw = put(w);
    const pdx = put(new Float64Array(M * N));
    const f = (x: Float64Array): number => {
      set(px, x);
      K.softmax_forward(py, px, M, N);
      return dot(w, get(py, M * N));
    };
    f(xs);
    K.softmax_backward(pdx, pw, py, M, N);
    expectGradientsMatch(f, xs, get(pdx, M * N), 'softmax');
  });
});
