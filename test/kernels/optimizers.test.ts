import { describe, expect, it } from 'vitest';
import { Twin, type Buf } from '../helpers/twin.js';
import { EXACT } from '../helpers/close.js';
import { LONG, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';

// Every update is a chain of separate float32 operations, none fused in either build, and sqrt and
// division are correctly rounded in WebAssembly and (after one rounding of the float64 result) in
// the twin: so both builds must equal the float32 twin exactly, slots included, step after step.
// Agreement with Keras's formulas is checked in optimizers.keras.test.ts.

const backends = await twinAndWasm();
const LENGTHS = [...SIZES, 31, 100, LONG];
const STEPS = 3;

interface Case {
  name: string;
  slots: number; // optimizer slot buffers, passed between w and g
  slotInit: (n: number, k: number) => Float32Array; // initial values of slot k (non-negative where squares accumulate)
  call: (t: Twin, w: Buf, slots: Buf[], g: Buf, n: number) => void;
}

const positive = (n: number, seed: number) => uniform(n, seed, 0, 0.5);
const CASES: Case[] = [
  { name: 'sgd_update', slots: 0, slotInit: positive, call: (t, w, _s, g, n) => t.call('sgd_update', w, g, n, 0.01) },
  { name: 'momentum_update', slots: 1, slotInit: uniform, call: (t, w, [v], g, n) => t.call('momentum_update', w, v, g, n, 0.01, 0.9, 0) },
  { name: 'momentum_update (Nesterov)', slots: 1, slotInit: uniform, call: (t, w, [v], g, n) => t.call('momentum_update', w, v, g, n, 0.01, 0.9, 1) },
  { name: 'adagrad_update', slots: 1, slotInit: positive, call: (t, w, [a], g, n) => t.call('adagrad_update', w, a, g, n, 0.001, 1e-7) },
  { name: 'rmsprop_update', slots: 2, slotInit: positive, call: (t, w, [s, m], g, n) => t.call('rmsprop_update', w, s, m, g, n, 0.001, 0.9, 0, 1e-7) },
  { name: 'rmsprop_update (momentum 0.5)', slots: 2, slotInit: positive, call: (t, w, [s, m], g, n) => t.call('rmsprop_update', w, s, m, g, n, 0.001, 0.9, 0.5, 1e-7) },
  { name: 'adamax_update', slots: 2, slotInit: positive, call: (t, w, [m, u], g, n) => t.call('adamax_update', w, m, u, g, n, 0.01, 0.9, 0.999, 1e-7) },
  { name: 'adam_update', slots: 2, slotInit: positive, call: (t, w, [m, v], g, n) => t.call('adam_update', w, m, v, g, n, 0.000316, 0.9, 0.999, 1e-7) },
];

for (const c of CASES) {
  describe(c.name, () => {
    it(`equals the float32 twin exactly, weights and slots, over ${STEPS} steps and every length`, () => {
      for (const n of LENGTHS) {
        for (const misalign of n === 17 || n === LONG ? [false, true] : [false]) {
          const t = new Twin(backends);
          const w = t.input(uniform(n, n), misalign);
          const slots = Array.from({ length: c.slots }, (_, k) => t.input(c.slotInit(n, 10 + k), misalign));
          const g = t.input(uniform(n, 20), misalign);
          for (let step = 0; step < STEPS; step++) {
            t.write(g, uniform(n, 30 + step, -3, 3));
            c.call(t, w, slots, g, n);
            expectBuffersAgree(t, w, EXACT, `${c.name} n=${n} step ${step} w`);
            slots.forEach((s, k) => expectBuffersAgree(t, s, EXACT, `${c.name} n=${n} step ${step} slot ${k}`));
          }
          t.expectSentinelsIntact();
        }
      }
    });

    it('leaves the gradient untouched and moves weights against it', () => {
      const n = 9;
      const t = new Twin(backends);
      const w = t.input(new Float32Array(n));
      const slots = Array.from({ length: c.slots }, (_, k) => t.input(k === 0 && c.name.startsWith('adagrad') ? new Float32Array(n).fill(0.1) : new Float32Array(n)));
      const grads = uniform(n, 3);
      const g = t.input(grads);
      c.call(t, w, slots, g, n);
      for (const got of t.read(g)) expect(Array.from(got)).toEqual(Array.from(grads));
      for (const got of t.read(w)) got.forEach((wi, i) => expect(Math.sign(wi)).toBe(-Math.sign(grads[i])));
      t.expectSentinelsIntact();
    });
  });
}

describe('rmsprop_update without momentum', () => {
  it('does not touch the momentum slot', () => {
    const t = new Twin(backends);
    const w = t.input(uniform(13, 1));
    const ms = t.input(positive(13, 2));
    const mom = t.input(uniform(13, 3));
    const g = t.input(uniform(13, 4));
    t.call('rmsprop_update', w, ms, mom, g, 13, 0.001, 0.9, 0, 1e-7);
    for (const got of t.read(mom)) expect(Array.from(got)).toEqual(Array.from(uniform(13, 3)));
  });
});

describe('adam_update', () => {
  it('leaves a weight whose gradient and moments are all zero unchanged (0 / (0 + eps))', () => {
    const t = new Twin(backends);
    const w = t.input([1, 2, 3, 4, 5]);
    const m = t.input([0, 0, 0, 0, 0]);
    const v = t.input([0, 0, 0, 0, 0]);
    const g = t.input([0, 0, 0, 0, 0]);
    t.call('adam_update', w, m, v, g, 5, 0.001, 0.9, 0.999, 1e-7);
    for (const got of t.read(w)) expect(Array.from(got)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('clip_by_value', () => {
  it('equals the float32 twin exactly for every length, misaligned too', () => {
    for (const n of LENGTHS) {
      const t = new Twin(backends);
      const g = t.input(uniform(n, n, -3, 3), n % 2 === 1);
      t.call('clip_by_value', g, n, 1.5);
      expectBuffersAgree(t, g, EXACT, `clip n=${n}`);
      for (const got of t.read(g)) for (const v of got) expect(Math.abs(v)).toBeLessThanOrEqual(1.5);
      t.expectSentinelsIntact();
    }
  });

  it('clamps to [−c, c], keeps −0, and lets NaN through (vector body and scalar tail)', () => {
    const values = [-3, -1, 0.5, 2, Number.NaN, -0, Infinity, -Infinity, 1, -1.0000001];
    const want = [-1, -1, 0.5, 1, Number.NaN, -0, 1, -1, 1, -1];
    const t = new Twin(backends);
    const g = t.input(values);
    t.call('clip_by_value', g, values.length, 1);
    for (const got of t.read(g)) got.forEach((v, i) => expect(Object.is(v, want[i]), `element ${i}: ${v} vs ${want[i]}`).toBe(true));
    t.expectSentinelsIntact();
  });
});
