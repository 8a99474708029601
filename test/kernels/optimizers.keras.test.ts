import { describe, expect, it } from 'vitest';
import { Twin, type Buf } from '../helpers/twin.js';
import { expectAllClose, type Tolerance } from '../helpers/close.js';
import { uniform } from '../helpers/cases.js';
import { twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';

// The optimizer kernels against Keras 3's update rules (keras/src/optimizers/{sgd,adagrad,rmsprop,
// adam}.py), on every backend: the float32 twin, both WASM builds and the float64 twin.
//
// 1. Golden sequences computed here in plain float64, following each `update_step` line by line,
//    independent of the kernels and their twin. Keras defaults, STEPS steps, a fixed gradient
//    schedule. Tolerance GOLDEN: rtol 1e-5 — float32 storage (2^-24 per operation, a few dozen
//    operations over the run) against float64, plus 1 − rho / 1 − beta formed in float32 (≈ 2e-7).
//    Weights start near 0 (|w| ≤ 0.05) so that a few steps of size ~lr are a large part of w and
//    rtol 1e-5 on w checks the update itself to ~1e-4 or better.
// 2. Numbers printed in Keras's own tests and docstrings, at the precision Keras prints them
//    (its tests use rtol = atol = 5e-4 or 1e-4).

const STEPS = 6;
const N = 7;
const GOLDEN: Tolerance = { rtol: 1e-5, atol: 1e-9 };
const backends = [...(await twinAndWasm()), f64Backend()];

/** Gradients of step t: mostly in [−1, 1], one large (scale invariance of Adam/RMSprop), one always 0. */
function gradients(t: number): Float64Array {
  const g = Float64Array.from(uniform(N, 100 + t, -1, 1));
  g[2] *= 32;
  g[5] = 0;
  return g;
}
const W0 = Float64Array.from(uniform(N, 7, -0.05, 0.05));

type Reference = { w: Float64Array; slots: Float64Array[] };

// ---- Keras update_step, transcribed into float64 loops over the elements ------------------------

function kerasSgd(lr: number, momentum: number, nesterov: boolean): Reference[] {
  const w = W0.slice();
  const m = new Float64Array(N); // "momentum" variables, zeros
  const out: Reference[] = [];
  for (let t = 0; t < STEPS; t++) {
    const gradient = gradients(t);
    for (let i = 0; i < N; i++) {
      if (momentum !== 0) {
        m[i] = m[i] * momentum - gradient[i] * lr; // assign(m, m * momentum - gradient * learning_rate)
        if (nesterov) w[i] += m[i] * momentum - gradient[i] * lr; // assign_add(variable, m * momentum - gradient * lr)
        else w[i] += m[i]; // assign_add(variable, m)
      } else {
        w[i] -= gradient[i] * lr; // assign_sub(variable, gradient * learning_rate)
      }
    }
    out.push({ w: w.slice(), slots: momentum !== 0 ? [m.slice()] : [] });
  }
  return out;
}

function kerasAdagrad(lr: number, initialAccumulatorValue: number, epsilon: number): Reference[] {
  const w = W0.slice();
  const accumulator = new Float64Array(N).fill(initialAccumulatorValue); // initializers.Constant(initial_accumulator_value)
  const out: Reference[] = [];
  for (let t = 0; t < STEPS; t++) {
    const gradient = gradients(t);
    for (let i = 0; i < N; i++) {
      accumulator[i] += gradient[i] * gradient[i]; // assign_add(accumulator, square(gradient))
      w[i] -= (lr * gradient[i]) / Math.sqrt(accumulator[i] + epsilon); // assign_sub(variable, lr * g / sqrt(acc + eps))
    }
    out.push({ w: w.slice(), slots: [accumulator.slice()] });
  }
  return out;
}

function kerasRmsprop(lr: number, rho: number, momentum: number, epsilon: number): Reference[] {
  const w = W0.slice();
  const velocity = new Float64Array(N);
  const mom = new Float64Array(N);
  const out: Reference[] = [];
  for (let t = 0; t < STEPS; t++) {
    const gradient = gradients(t);
    for (let i = 0; i < N; i++) {
      velocity[i] = rho * velocity[i] + (1 - rho) * gradient[i] * gradient[i]; // assign(velocity, rho*velocity + (1-rho)*square(g))
      const denominator = velocity[i] + epsilon; // not centered
      const increment = (lr * gradient[i]) / Math.sqrt(denominator);
      if (momentum > 0) {
        mom[i] = momentum * mom[i] + increment; // assign(momentum, self.momentum * momentum + increment)
        w[i] -= mom[i]; // assign_sub(variable, momentum)
      } else {
        w[i] -= increment; // assign_sub(variable, increment)
      }
    }
    out.push({ w: w.slice(), slots: momentum > 0 ? [velocity.slice(), mom.slice()] : [velocity.slice()] });
  }
  return out;
}

function kerasAdam(lr: number, beta1: number, beta2: number, epsilon: number): Reference[] {
  const w = W0.slice();
  const m = new Float64Array(N);
  const v = new Float64Array(N);
  const out: Reference[] = [];
  for (let iterations = 0; iterations < STEPS; iterations++) {
    const gradient = gradients(iterations);
    const localStep = iterations + 1;
    const beta1Power = beta1 ** localStep;
    const beta2Power = beta2 ** localStep;
    const alpha = (lr * Math.sqrt(1 - beta2Power)) / (1 - beta1Power);
    for (let i = 0; i < N; i++) {
      m[i] += (gradient[i] - m[i]) * (1 - beta1); // assign_add(m, (gradient - m) * (1 - beta_1))
      v[i] += (gradient[i] * gradient[i] - v[i]) * (1 - beta2); // assign_add(v, (square(gradient) - v) * (1 - beta_2))
      w[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + epsilon); // assign_sub(variable, m * alpha / (sqrt(v) + epsilon))
    }
    out.push({ w: w.slice(), slots: [m.slice(), v.slice()] });
  }
  return out;
}

/** Keras 3 Adamax.update_step, in float64. */
function kerasAdamax(lr: number, beta1: number, beta2: number, epsilon: number): Reference[] {
  const w = Float64Array.from(W0);
  const m = new Float64Array(N);
  const u = new Float64Array(N);
  const out: Reference[] = [];
  for (let iterations = 0; iterations < STEPS; iterations++) {
    const gradient = gradients(iterations);
    const alpha = lr / (1 - beta1 ** (iterations + 1));
    for (let i = 0; i < N; i++) {
      m[i] += (gradient[i] - m[i]) * (1 - beta1); // assign_add(m, (gradient - m) * (1 - beta_1))
      u[i] = Math.max(beta2 * u[i], Math.abs(gradient[i])); // assign(u, maximum(beta_2 * u, abs(gradient)))
      w[i] -= (alpha * m[i]) / (u[i] + epsilon); // assign_sub(variable, (lr * m) / ((1 - beta_1_power) * (u + epsilon)))
    }
    out.push({ w: w.slice(), slots: [m.slice(), u.slice()] });
  }
  return out;
}

/** The caller's side of Adam: alpha for step t ≥ 1, in float64 (what src/ passes to adam_update). */
function adamAlpha(lr: number, beta1: number, beta2: number, t: number): number {
  return (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
}

// ---- the kernels, driven as the model's optimizer will drive them -------------------------------

interface Run {
  name: string;
  reference: Reference[];
  slotInit: number[]; // initial value of each slot (the caller's fill)
  step: (t: Twin, w: Buf, slots: Buf[], g: Buf, stepNumber: number) => void;
}

const RUNS: Run[] = [
  { name: 'SGD(lr 0.01)', reference: kerasSgd(0.01, 0, false), slotInit: [], step: (t, w, _s, g) => t.call('sgd_update', w, g, N, 0.01) },
  {
    name: 'SGD(lr 0.01, momentum 0.9)',
    reference: kerasSgd(0.01, 0.9, false),
    slotInit: [0],
    step: (t, w, [m], g) => t.call('momentum_update', w, m, g, N, 0.01, 0.9, 0),
  },
  {
    name: 'SGD(lr 0.01, momentum 0.9, nesterov)',
    reference: kerasSgd(0.01, 0.9, true),
    slotInit: [0],
    step: (t, w, [m], g) => t.call('momentum_update', w, m, g, N, 0.01, 0.9, 1),
  },
  {
    name: 'Adagrad(lr 0.001, initial_accumulator_value 0.1, eps 1e-7)',
    reference: kerasAdagrad(0.001, 0.1, 1e-7),
    slotInit: [0.1],
    step: (t, w, [acc], g) => t.call('adagrad_update', w, acc, g, N, 0.001, 1e-7),
  },
  {
    name: 'RMSprop(lr 0.001, rho 0.9, eps 1e-7)',
    reference: kerasRmsprop(0.001, 0.9, 0, 1e-7),
    slotInit: [0, 0], // the momentum slot exists but is not used without momentum
    step: (t, w, [ms, mom], g) => t.call('rmsprop_update', w, ms, mom, g, N, 0.001, 0.9, 0, 1e-7),
  },
  {
    name: 'RMSprop(lr 0.001, rho 0.9, momentum 0.5, eps 1e-7)',
    reference: kerasRmsprop(0.001, 0.9, 0.5, 1e-7),
    slotInit: [0, 0],
    step: (t, w, [ms, mom], g) => t.call('rmsprop_update', w, ms, mom, g, N, 0.001, 0.9, 0.5, 1e-7),
  },
  {
    // not a default: guards that rho crosses the ABI as float64 (1 − float32(0.999) is 1.3e-5 off)
    name: 'RMSprop(lr 0.001, rho 0.999, eps 1e-7)',
    reference: kerasRmsprop(0.001, 0.999, 0, 1e-7),
    slotInit: [0, 0],
    step: (t, w, [ms, mom], g) => t.call('rmsprop_update', w, ms, mom, g, N, 0.001, 0.999, 0, 1e-7),
  },
  {
    name: 'Adam(lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7)',
    reference: kerasAdam(0.001, 0.9, 0.999, 1e-7),
    slotInit: [0, 0],
    step: (t, w, [m, v], g, s) => t.call('adam_update', w, m, v, g, N, adamAlpha(0.001, 0.9, 0.999, s), 0.9, 0.999, 1e-7),
  },
  {
    name: 'Adamax(lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7)',
    reference: kerasAdamax(0.001, 0.9, 0.999, 1e-7),
    slotInit: [0, 0],
    step: (t, w, [m, u], g, s) => t.call('adamax_update', w, m, u, g, N, 0.001 / (1 - 0.9 ** s), 0.9, 0.999, 1e-7),
  },
];

describe('optimizer kernels follow Keras 3 (float64 golden sequences, rtol 1e-5)', () => {
  for (const run of RUNS) {
    it(`${run.name}: ${STEPS} steps, weights and slots, on every backend`, () => {
      const t = new Twin(backends);
      const w = t.input(W0);
      const slots = run.slotInit.map((v) => t.input(new Float64Array(N).fill(v)));
      const g = t.input(new Float64Array(N));
      for (let s = 0; s < STEPS; s++) {
        t.write(g, gradients(s));
        run.step(t, w, slots, g, s + 1);
        const want = run.reference[s];
        t.read(w).forEach((got, k) => expectAllClose(got, want.w, GOLDEN, `${run.name} step ${s + 1} w on ${backends[k].name}`));
        want.slots.forEach((ref, j) =>
          t.read(slots[j]).forEach((got, k) => expectAllClose(got, ref, GOLDEN, `${run.name} step ${s + 1} slot ${j} on ${backends[k].name}`)),
        );
      }
      // the run really moved the weights (by at least 1e-3 somewhere), so rtol 1e-5 on w tests the updates
      const moved = Math.max(...run.reference[STEPS - 1].w.map((x, i) => Math.abs(x - W0[i])));
      expect(moved).toBeGreaterThan(1e-3);
      t.expectSentinelsIntact();
    });
  }
});

describe("numbers from Keras's own tests and docstrings", () => {
  // keras/src/optimizers/*_test.py test_single_step: lr 0.5, grads [1, 6, 7, 2], vars [1, 2, 3, 4].
  const KERAS_PRINTED: Tolerance = { rtol: 1e-4, atol: 1e-4 };
  const single = (name: string, slotInit: number[], step: (t: Twin, w: Buf, s: Buf[], g: Buf) => void, want: number[]) =>
    it(`${name} single step gives ${want.join(', ')}`, () => {
      const t = new Twin(backends);
      const w = t.input([1, 2, 3, 4]);
      const slots = slotInit.map((v) => t.input([v, v, v, v]));
      const g = t.input([1, 6, 7, 2]);
      step(t, w, slots, g);
      t.read(w).forEach((got, k) => expectAllClose(got, want, KERAS_PRINTED, `${name} on ${backends[k].name}`));
    });
  single('SGD(0.5)', [], (t, w, _s, g) => t.call('sgd_update', w, g, 4, 0.5), [0.5, -1.0, -0.5, 3.0]);
  single('Adagrad(0.5)', [0.1], (t, w, [a], g) => t.call('adagrad_update', w, a, g, 4, 0.5, 1e-7), [0.5233, 1.5007, 2.5005, 3.5061]);
  single('RMSprop(0.5)', [0, 0], (t, w, [s, m], g) => t.call('rmsprop_update', w, s, m, g, 4, 0.5, 0.9, 0, 1e-7), [-0.5811, 0.4189, 1.4189, 2.4189]);
  single('Adam(0.5)', [0, 0], (t, w, [m, v], g) => t.call('adam_update', w, m, v, g, 4, adamAlpha(0.5, 0.9, 0.999, 1), 0.9, 0.999, 1e-7), [0.5, 1.5, 2.5, 3.5]);

  it('RMSprop docstring: lr 0.1, var 10, gradient = var, one step → 9.683772', () => {
    const t = new Twin(backends);
    const w = t.input([10]);
    const ms = t.input([0]);
    const mom = t.input([0]);
    const g = t.input([10]);
    t.call('rmsprop_update', w, ms, mom, g, 1, 0.1, 0.9, 0, 1e-7);
    t.read(w).forEach((got, k) => expectAllClose(got, [9.683772], { rtol: 1e-6, atol: 0 }, `on ${backends[k].name}`));
  });

  // test_correctness_with_golden: x = ones(10), one step with grads 0.01, then grads arange(0.1, 1.1, 0.1).
  // Keras checks rtol = atol = 5e-4. (Its Adam and RMSprop goldens use amsgrad / centered, which we do not have.)
  const goldenRun = (name: string, slotInit: number, step: (t: Twin, w: Buf, s: Buf[], g: Buf) => void, golden: number[][]) =>
    it(`${name} golden sequence`, () => {
      const t = new Twin(backends);
      const w = t.input(new Array(10).fill(1));
      const slots = [t.input(new Array(10).fill(slotInit))];
      const g = t.input(new Array(10).fill(0.01));
      step(t, w, slots, g);
      t.write(g, Array.from({ length: 10 }, (_, i) => 0.1 * (i + 1)));
      for (const row of golden) {
        t.read(w).forEach((got, k) => expectAllClose(got, row, { rtol: 5e-4, atol: 5e-4 }, `${name} on ${backends[k].name}`));
        step(t, w, slots, g);
      }
    });
  goldenRun('SGD (lr 0.01; nesterov without momentum is plain SGD)', 0, (t, w, _s, g) => t.call('sgd_update', w, g, 10, 0.01), [
    [0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999, 0.9999],
    [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
    [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
    [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
    [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599],
  ]);
  goldenRun('Adagrad(lr 0.2, initial_accumulator_value 0.3, eps 1e-6)', 0.3, (t, w, [a], g) => t.call('adagrad_update', w, a, g, 10, 0.2, 1e-6), [
    [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
    [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
    [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
    [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
    [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
  ]);
});
