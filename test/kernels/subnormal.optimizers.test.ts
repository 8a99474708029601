import { describe, expect, it } from 'vitest';
import { Twin, type Buf } from '../helpers/twin.js';
import { EXACT } from '../helpers/close.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { countBelow, countSubnormal } from '../helpers/subnormal.js';
import { NORMAL_MIN, SLOT_FTZ } from '../../src/backend/js/flush.js';

// Optimizer updates fed slots, weights and gradients that drive them into the subnormal range
// (src/backend/abi.ts, "Subnormal floats"): every slot and weight they write is 0 or at least
// SLOT_FTZ = 2^-86, exactly 0 wherever the unflushed float64 result would be subnormal, and both
// builds still equal the float32 twin bit for bit, step after step. Counted, never timed.

const backends = await twinAndWasm();
const STEPS = 40;

// Per-lane values: subnormal (as an old checkpoint may hold), around 2^-126, around SLOT_FTZ, normal.
const TINY = [0, 3e-39, 1.2e-38, 1.5e-38, 4e-38, 2 ** -120, 2 ** -100, 1e-30, 2 ** -86, 1e-20, 1e-6];
const GRADS = [0, 1e-44, 1e-38, 2e-37, 1e-30, 1e-25, 1e-20, 3e-19, 1e-13, 1e-3];
// Weights are normal or below SLOT_FTZ: between the two, flushing a slot legitimately moves a weight
// by more than 2^-126 and the float64 comparison below would not apply.
const WEIGHTS = [1, -0.5, 0, 3e-39, 1.5e-38, 2 ** -100, 1e-30];

interface Case {
  name: string;
  /** Sign of each slot's values: +1 where it accumulates squares (never negative), ±1 otherwise. */
  slotSigns: number[];
  /** Slots the update writes (rmsprop without momentum leaves its second slot alone); default all. */
  written?: number;
  call: (t: Twin, w: Buf, slots: Buf[], g: Buf, n: number) => void;
  /** The unflushed Keras update in float64 from the current values: new [w, ...slots]. */
  exact: (w: number, s: number[], g: number) => number[];
}

const LR = 0.001;
const EPS = 1e-7;
const CASES: Case[] = [
  { name: 'sgd_update', slotSigns: [], call: (t, w, _s, g, n) => t.call('sgd_update', w, g, n, LR), exact: (w, _s, g) => [w - LR * g] },
  ...[0, 1].map((nesterov): Case => ({
    name: `momentum_update${nesterov ? ' (Nesterov)' : ''}`,
    slotSigns: [-1],
    call: (t, w, [v], g, n) => t.call('momentum_update', w, v, g, n, LR, 0.9, nesterov),
    exact: (w, [v], g) => {
      const vn = 0.9 * v - LR * g;
      return [w + (nesterov ? 0.9 * vn - LR * g : vn), vn];
    },
  })),
  {
    name: 'adagrad_update',
    slotSigns: [1],
    call: (t, w, [a], g, n) => t.call('adagrad_update', w, a, g, n, LR, EPS),
    exact: (w, [a], g) => {
      const an = a + g * g;
      return [w - (LR * g) / Math.sqrt(an + EPS), an];
    },
  },
  ...[0, 0.5].map((momentum): Case => ({
    name: `rmsprop_update (momentum ${momentum})`,
    slotSigns: [1, -1],
    written: momentum > 0 ? 2 : 1,
    call: (t, w, [s, m], g, n) => t.call('rmsprop_update', w, s, m, g, n, LR, 0.9, momentum, EPS),
    exact: (w, [s, m], g) => {
      const sn = 0.9 * s + 0.1 * g * g;
      const inc = (LR * g) / Math.sqrt(sn + EPS);
      const mn = momentum > 0 ? momentum * m + inc : m;
      return [w - (momentum > 0 ? mn : inc), sn, mn];
    },
  })),
  {
    name: 'adam_update',
    slotSigns: [-1, 1],
    call: (t, w, [m, v], g, n) => t.call('adam_update', w, m, v, g, n, 0.000316, 0.9, 0.999, EPS),
    exact: (w, [m, v], g) => {
      const mn = m + (g - m) * 0.1;
      const vn = v + (g * g - v) * 0.001;
      return [w - (mn * 0.000316) / (Math.sqrt(vn) + EPS), mn, vn];
    },
  },
];

/** Every combination of a weight, one value per slot and a gradient, with the signs alternating. */
function lanes(slots: number, signs: number[]): { w: number[]; s: number[][]; g: number[] } {
  const w: number[] = [];
  const s: number[][] = Array.from({ length: slots }, () => []);
  const g: number[] = [];
  let k = 0;
  const combos = (depth: number, picked: number[]): void => {
    if (depth === slots) {
      for (const gv of GRADS) {
        for (const wv of WEIGHTS) {
          k++;
          w.push(wv);
          picked.forEach((v, j) => s[j].push(signs[j] < 0 && k % 2 === 0 ? -v : v));
          g.push(k % 3 === 0 ? -gv : gv);
        }
      }
      return;
    }
    for (const v of TINY) combos(depth + 1, [...picked, v]);
  };
  combos(0, []);
  return { w, s, g };
}

for (const c of CASES) {
  describe(`${c.name} near the subnormal range`, () => {
    it(`writes no slot or weight in (0, 2^-86), exact zeros where the result would be subnormal, and equals the twin for ${STEPS} steps`, () => {
      const { w: ws, s: ss, g: gs } = lanes(c.slotSigns.length, c.slotSigns);
      const n = ws.length;
      const t = new Twin(backends);
      const w = t.input(ws, true);
      const slots = ss.map((v) => t.input(v));
      const g = t.input(gs, true);
      let zeroed = 0;
      for (let step = 0; step < STEPS; step++) {
        // The lane's gradient every fourth step, zero between: slots decay through the range meanwhile.
        const gNow = gs.map((v) => (step % 4 === 0 ? v : 0));
        t.write(g, gNow);
        const before = [t.read(w)[0], ...slots.map((s) => t.read(s)[0])];
        c.call(t, w, slots, g, n);
        const outs = [w, ...slots.slice(0, c.written ?? slots.length)];
        outs.forEach((b, j) => expectBuffersAgree(t, b, EXACT, `${c.name} step ${step} ${j === 0 ? 'w' : `slot ${j - 1}`}`));
        const after = outs.map((b) => t.read(b));
        let wrong = '';
        for (let i = 0; i < n; i++) {
          const want = c.exact(before[0][i], before.slice(1).map((s) => s[i]), Math.fround(gNow[i]));
          want.slice(0, outs.length).forEach((e, j) => {
            if (Math.abs(e) >= NORMAL_MIN) return;
            zeroed++;
            after[j].forEach((got, k) => {
              if (got[i] !== 0 && !wrong) wrong = `lane ${i} output ${j} on ${backends[k].name} is ${got[i]}, exact ${e}`;
            });
          });
        }
        expect(wrong, `${c.name} step ${step}: a result that would be subnormal is not 0`).toBe('');
        after.forEach((per, j) => per.forEach((got, k) => {
          expect(countSubnormal(got), `${c.name} step ${step} output ${j} subnormal on ${backends[k].name}`).toBe(0);
          expect(countBelow(got, SLOT_FTZ), `${c.name} step ${step} output ${j} in (0, 2^-86) on ${backends[k].name}`).toBe(0);
        }));
      }
      // the lanes really do reach the subnormal range without the flush
      expect(zeroed).toBeGreaterThan(n / 4);
      for (const got of t.read(g)) expect(Array.from(got)).toEqual(Array.from(new Float32Array(gs.map(() => 0))));
      t.expectSentinelsIntact();
    });
  });
}

describe('flushing keeps the Keras update where values are normal', () => {
  it('slots halve exactly down to 2^-86 and are 0 below it; normal values are untouched by the flush', () => {
    const t = new Twin(backends);
    const w = t.input([1, 1, 1, 1]);
    const m = t.input([2 ** -86, 2 ** -80, -(2 ** -70), 1e-3]);
    const v = t.input([2 ** -86, 2 ** -80, 2 ** -70, 1e-6]);
    const g = t.input([0, 0, 0, 0]);
    t.call('adam_update', w, m, v, g, 4, 0.001, 0.5, 0.5, 1e-7);
    for (const got of t.read(m)) expect(Array.from(got)).toEqual([0, 2 ** -81, -(2 ** -71), Math.fround(Math.fround(1e-3) * 0.5)]);
    for (const got of t.read(v)) expect(Array.from(got)).toEqual([0, 2 ** -81, 2 ** -71, Math.fround(Math.fround(1e-6) * 0.5)]);
  });
});
