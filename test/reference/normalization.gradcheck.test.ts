import { describe, it } from 'vitest';
import { f64Backend } from '../helpers/backends.js';
import { expectGradientsMatch } from '../helpers/gradcheck.js';
import { rng } from '../helpers/cases.js';
import { heapIO } from '../helpers/heap_io.js';

// Gradient checks of the normalization backward kernels on the float64 twin, against central
// differences of their forward kernels (h = 1e-5, relative error < 1e-6). A random
// projection w turns y into a scalar, L = Σ w·y, whose gradients are exactly the backward kernels'
// outputs with dy = w. Training-mode batchnorm and layernorm recompute their statistics from the
// perturbed x, so dx includes the paths through mean and variance.

const b = f64Backend();
const K = b.kernels;
const { put, get, set } = heapIO(b);
const EPS = 1e-3;

function doubles(n: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  return new Float64Array(n).map(() => lo + (hi - lo) * r());
}
const dot = (a: ArrayLike<number>, c: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * c[i];
  return s;
};

/** The three inputs a check perturbs, each with its pointer and the gradient the backward kernel wrote. */
interface Case {
  x: Float64Array;
  gamma: Float64Array;
  beta: Float64Array;
  px: number;
  pg: number;
  pb: number;
  loss: () => number;
  grads: { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array };
}

/** Checks dx, dgamma and dbeta (those present) against central differences of case.loss. */
function expectCase(c: Case, what: string, withGamma = true): void {
  const check = (p: number, v: Float64Array, grad: Float64Array, name: string) => {
    const f = (u: Float64Array) => {
      set(p, u);
      return c.loss();
    };
    expectGradientsMatch(f, v, grad, `${what} ${name}`);
    set(p, v); // the heap holds the last perturbation: restore before the next check
  };
  check(c.px, c.x, c.grads.dx, 'dx');
  if (withGamma) check(c.pg, c.gamma, c.grads.dgamma, 'dgamma');
  check(c.pb, c.beta, c.grads.dbeta, 'dbeta');
}

describe('batchnorm_backward is the derivative of batchnorm_forward (float64 twin)', () => {
  for (const [R, C, withGamma] of [[6, 3, true], [5, 7, true], [8, 2, false]] as const) {
    it(`${R}×${C}${withGamma ? '' : ', gamma = 0 (ones)'}: dx, dgamma, dbeta match central differences of Σ w·y`, () => {
      const n = R * C;
      const x = doubles(n, 10 + R, -2, 2);
      const gamma = doubles(C, 20 + C, 0.5, 1.5);
      const beta = doubles(C, 30 + C, -1, 1);
      const w = doubles(n, 40 + R, -1, 1);
      const [px, pg, pb, pw] = [put(x), put(gamma), put(beta), put(w)];
      const [py, pm, pv] = [put(new Float64Array(n)), put(new Float64Array(C)), put(new Float64Array(C))];
      const g = withGamma ? pg : 0;
      const loss = () => {
        K.batchnorm_forward(py, pm, pv, px, g, pb, R, C, EPS);
        return dot(w, get(py, n));
      };
      loss();
      const [pdx, pdg, pdb] = [put(new Float64Array(n)), put(new Float64Array(C)), put(new Float64Array(C))];
      K.batchnorm_backward(pdx, pdg, pdb, pw, px, g, pm, pv, R, C, EPS);
      const grads = { dx: get(pdx, n), dgamma: get(pdg, C), dbeta: get(pdb, C) };
      expectCase({ x, gamma, beta, px, pg, pb, loss, grads }, `batchnorm ${R}×${C}`, withGamma);
    });
  }
});

describe('batchnorm_inference_backward is the derivative of batchnorm_inference (float64 twin)', () => {
  it('dx = dy·gamma/sqrt(variance + eps) matches central differences of Σ w·y with fixed statistics', () => {
    const [R, C] = [5, 4];
    const n = R * C;
    const x = doubles(n, 51, -2, 2);
    const w = doubles(n, 52, -1, 1);
    const [px, pw, pg, pb] = [put(x), put(w), put(doubles(C, 53, -1.5, 1.5)), put(doubles(C, 54, -1, 1))];
    const [pm, pv] = [put(doubles(C, 55, -1, 1)), put(doubles(C, 56, 0.1, 2))];
    const py = put(new Float64Array(n));
    const f = (v: Float64Array) => {
      set(px, v);
      K.batchnorm_inference(py, px, pg, pb, pm, pv, R, C, EPS);
      return dot(w, get(py, n));
    };
    const pdx = put(new Float64Array(n));
    K.batchnorm_inference_backward(pdx, pw, pg, pv, R, C, EPS);
    expectGradientsMatch(f, x, get(pdx, n), 'batchnorm_inference');
  });
});

describe('layernorm_backward is the derivative of layernorm_forward (float64 twin)', () => {
  for (const [R, C, withGamma] of [[3, 7, true], [4, 5, true], [2, 9, false]] as const) {
    it(`${R}×${C}${withGamma ? '' : ', gamma = 0 (ones)'}: dx, dgamma, dbeta match central differences of Σ w·y`, () => {
      const n = R * C;
      const x = doubles(n, 60 + R, -2, 2);
      const gamma = doubles(C, 70 + C, 0.5, 1.5);
      const beta = doubles(C, 80 + C, -1, 1);
      const w = doubles(n, 90 + R, -1, 1);
      const [px, pg, pb, pw] = [put(x), put(gamma), put(beta), put(w)];
      const [py, pm, pr] = [put(new Float64Array(n)), put(new Float64Array(R)), put(new Float64Array(R))];
      const g = withGamma ? pg : 0;
      const loss = () => {
        K.layernorm_forward(py, pm, pr, px, g, pb, R, C, EPS);
        return dot(w, get(py, n));
      };
      loss();
      const [pdx, pdg, pdb] = [put(new Float64Array(n)), put(new Float64Array(C)), put(new Float64Array(C))];
      K.layernorm_backward(pdx, pdg, pdb, pw, px, g, pm, pr, R, C);
      const grads = { dx: get(pdx, n), dgamma: get(pdg, C), dbeta: get(pdb, C) };
      expectCase({ x, gamma, beta, px, pg, pb, loss, grads }, `layernorm ${R}×${C}`, withGamma);
    });
  }
});
