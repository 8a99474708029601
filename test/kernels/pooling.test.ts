import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT } from '../helpers/close.js';
import { uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';

// The pooling kernels are scalar loops in a fixed order: both WASM builds and the float32 twin must
// give the same bits, over pool sizes, strides, paddings, odd and even sizes and channel counts.

const backends = await twinAndWasm();

/** Keras output size and leading pad for one axis. */
function axis(n: number, p: number, s: number, same: boolean): { out: number; pad: number } {
  if (!same) return { out: Math.floor((n - p) / s) + 1, pad: 0 };
  const out = Math.ceil(n / s);
  return { out, pad: Math.floor(Math.max((out - 1) * s + p - n, 0) / 2) };
}

describe('pooling kernels', () => {
  it('agree bit for bit across both WASM builds and the twin, sentinels intact', () => {
    let seed = 1;
    for (const [H, W] of [[1, 7], [4, 4], [5, 6], [7, 3]]) {
      for (const C of [1, 3]) {
        for (const p of [1, 2, 3]) {
          for (const s of [1, 2, 3]) {
            for (const same of [false, true]) {
              if (!same && (p > W || (H > 1 && p > H))) continue;
              const ph = H === 1 ? 1 : p;
              const a = axis(H, ph, s, same), b = axis(W, p, s, same);
              const M = 2;
              const nIn = M * H * W * C, nOut = M * a.out * b.out * C;
              const tag = `H=${H} W=${W} C=${C} p=${p} s=${s} same=${same}`;
              const t = new Twin(backends);
              const x = t.input(uniform(nIn, seed++), seed % 2 === 0);
              const dy = t.input(uniform(nOut, seed++));
              const y = t.output(nOut);
              const am = t.output(nOut);
              const dx = t.output(nIn, Number.NaN);
              t.call('pool_max_forward', y, am, x, M, H, W, C, ph, p, s, s, a.pad, b.pad, a.out, b.out);
              expectBuffersAgree(t, y, EXACT, `max y ${tag}`);
              expectBuffersAgree(t, am, EXACT, `argmax ${tag}`);
              t.call('pool_max_backward', dx, dy, am, M, H, W, C, a.out, b.out);
              expectBuffersAgree(t, dx, EXACT, `max dx ${tag}`);
              t.call('pool_avg_forward', y, x, M, H, W, C, ph, p, s, s, a.pad, b.pad, a.out, b.out);
              expectBuffersAgree(t, y, EXACT, `avg y ${tag}`);
              t.call('pool_avg_backward', dx, dy, M, H, W, C, ph, p, s, s, a.pad, b.pad, a.out, b.out);
              expectBuffersAgree(t, dx, EXACT, `avg dx ${tag}`);
              t.expectSentinelsIntact();
            }
          }
        }
      }
    }
  });

  it('compute hand-checked values: 2×2 max with first-max argmax, 3×3 \'same\' average excluding padded cells', () => {
    // x[3,3,1] = 1..9 row-major, plus a tie in the top-left window.
    const t = new Twin(backends);
    const x = t.input([5, 5, 3, 4, 2, 6, 7, 8, 9]);
    const y = t.output(1);
    const am = t.output(1);
    t.call('pool_max_forward', y, am, x, 1, 3, 3, 1, 2, 2, 2, 2, 0, 0, 1, 1);
    for (const v of t.read(y)) expect(Array.from(v)).toEqual([5]);
    for (const v of t.read(am)) expect(Array.from(v)).toEqual([0]);
    const ya = t.output(9);
    t.call('pool_avg_forward', ya, x, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 3, 3);
    // Corner (0,0) averages x[0..1][0..1] = (5+5+4+2)/4 = 4; centre averages all 9 = 49/9.
    for (const v of t.read(ya)) {
      expect(v[0]).toBe(4);
      expect(v[4]).toBe(Math.fround(49 / 9));
    }
    t.expectSentinelsIntact();
  });
});
