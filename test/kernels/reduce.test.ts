import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, expectAllClose, sumTolerance } from '../helpers/close.js';
import { LONG, MODEL_SHAPE, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, expectReturnsAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';

const backends = await twinAndWasm();

describe('col_sum', () => {
  // The kernel sums each column in row order, as the twin does, so the float32 results are exact;
  // against the float64 twin it is a sum of M terms (sumTolerance(M)).
  it('equals the float32 twin exactly over the M×N sweep, overwriting (acc = 0) and accumulating (acc = 1)', () => {
    for (const M of SIZES) {
      for (const N of SIZES) {
        const t = new Twin(backends);
        const x = t.input(uniform(M * N, M * 100 + N));
        const y = t.output(N);
        t.call('col_sum', y, x, M, N, 0);
        expectBuffersAgree(t, y, EXACT, `col_sum ${M}×${N} acc=0`);
        t.call('col_sum', y, x, M, N, 1);
        expectBuffersAgree(t, y, EXACT, `col_sum ${M}×${N} acc=1`);
        t.expectSentinelsIntact();
      }
    }
  });

  it('agrees with the float64 twin within sumTolerance(M) at the model shape and a 10-class output', () => {
    for (const [M, N] of [[MODEL_SHAPE.M, MODEL_SHAPE.N], [MODEL_SHAPE.M, 10], [32, 10]]) {
      const values = uniform(M * N, 77);
      const prior = uniform(N, 78);
      const t = new Twin([...backends, f64Backend()]);
      const x = t.input(values, true);
      const y = t.input(prior, true);
      t.call('col_sum', y, x, M, N, 1);
      const got = t.read(y);
      const ref = got[got.length - 1];
      got.slice(0, -1).forEach((g, k) => expectAllClose(g, ref, sumTolerance(M), `col_sum ${M}×${N} ${backends[k].name} vs js-f64`));
      t.expectSentinelsIntact();
    }
  });

  it('gives the hand-computed sums', () => {
    const t = new Twin(backends);
    const x = t.input([1, 2, 3, 4, 5, 6]); // [[1, 2], [3, 4], [5, 6]]
    const y = t.input([10, 20]);
    t.call('col_sum', y, x, 3, 2, 1);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([19, 32]);
    t.call('col_sum', y, x, 3, 2, 0);
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([9, 12]);
    t.call('col_sum', y, x, 0, 2, 0); // no rows: zeros
    for (const got of t.read(y)) expect(Array.from(got)).toEqual([0, 0]);
  });
});

describe('sum_squares', () => {
  it('agrees with the twin within sumTolerance(n) for every length, misaligned too', () => {
    for (const n of [...SIZES, 31, 100, 255, 256, 257, LONG, 4099]) {
      for (const misalign of [false, true]) {
        const t = new Twin(backends);
        const x = t.input(uniform(n, n), misalign);
        const r = t.call('sum_squares', x, n);
        expectReturnsAgree(t, r, sumTolerance(n), `sum_squares n=${n}`);
        t.expectSentinelsIntact();
      }
    }
  });

  it('gives hand-computed values: 1² + 2² + 3² = 14, and 0 for n = 0', () => {
    const t = new Twin(backends);
    const x = t.input([1, -2, 3]);
    expect(t.call('sum_squares', x, 3)).toEqual([14, 14, 14]);
    expect(t.call('sum_squares', x, 0)).toEqual([0, 0, 0]);
  });

  it('is accurate for n = 1e6: within 2^-23 relative of the exact sum, where one float32 accumulator is not', () => {
    // Blocked float32 lanes into a float64 total: the result is off by the final rounding to float32
    // (≤ 2^-24 relative) plus 16-term float32 partial sums (~1e-8 here). A naive float32 loop drifts
    // by about √n·2^-24 on random data and by up to n·2^-24 in the worst case.
    const n = 1_000_000;
    const values = uniform(n, 2024, -1, 1);
    let exact = 0;
    let naive = 0;
    for (let i = 0; i < n; i++) {
      exact += values[i] * values[i]; // float64: every square exact, the sum off by ~1e-16·√n
      naive = Math.fround(naive + Math.fround(values[i] * values[i]));
    }
    const bound = 2 ** -23;
    expect(Math.abs(naive - exact) / exact).toBeGreaterThan(bound); // the bound discriminates
    const t = new Twin(backends);
    const x = t.input(values);
    for (const got of t.call('sum_squares', x, n)) expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(bound);
  });
});

describe('row_argmax', () => {
  it('equals the twin exactly over the M×N sweep', () => {
    for (const M of SIZES) {
      for (const N of SIZES) {
        const t = new Twin(backends);
        // coarse values so that ties occur and "first maximum wins" is exercised
        const x = t.input(uniform(M * N, M * 31 + N).map((v) => Math.round(v)), N % 2 === 1);
        const idx = t.output(M);
        t.call('row_argmax', idx, x, M, N);
        expectBuffersAgree(t, idx, EXACT, `row_argmax ${M}×${N}`);
        t.expectSentinelsIntact();
      }
    }
  });

  it('takes the first maximum, never NaN, and writes 0 for a row with no number', () => {
    const NaN_ = Number.NaN;
    const rows = [
      [[1, 3, 3, 2], 1], // tie: first wins
      [[NaN_, 1, 5, NaN_], 2], // NaN never wins
      [[NaN_, -Infinity, -Infinity, NaN_], 1], // first non-NaN even if −Infinity
      [[-Infinity, -Infinity, -Infinity, -Infinity], 0],
      [[NaN_, NaN_, NaN_, NaN_], 0], // no number: 0
      [[-0, 0, -1, -2], 0], // −0 == 0: the first wins
      [[-5, -4, -3, Infinity], 3],
    ] as const;
    const t = new Twin(backends);
    const x = t.input(rows.flatMap(([r]) => r));
    const idx = t.output(rows.length);
    t.call('row_argmax', idx, x, rows.length, 4);
    for (const got of t.read(idx)) expect(Array.from(got)).toEqual(rows.map(([, want]) => want));
    t.expectSentinelsIntact();
  });
});
