import { describe, expect, it } from 'vitest';
import { Buf, Twin } from '../helpers/twin.js';
import { EXACT, expectAllClose, sumTolerance, type Tolerance } from '../helpers/close.js';
import { SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';

// Batch and layer normalization: both WASM builds against the float32 twin over R×C sweeps (every
// remainder around 4, C = 1, more than one 256-column chunk), with sentinels around every buffer,
// misaligned pointers, absent gamma/beta, and inputs checked unchanged.
//
// Tolerances. The kernels add float32 lanes over blocks of 16 rows (or 64 row elements) and the
// blocks in float64; the twin sums in float64 outright. So statistics and weight gradients summed
// over R rows get sumTolerance(R), those summed over the C values of a row sumTolerance(C), and the
// outputs built from them (y, dx) the same: y = (x − mean)·gamma·rstd + beta moves by
// |gamma·rstd|·δmean + |x − mean|·|gamma|·δrstd, a few 1e-7 for inputs in [-2, 2], below the
// 1e-6 atol. The inference kernels sum nothing, so they are exact against the twin. The two WASM
// builds use no fused multiply-add here: they must agree bit for bit everywhere.

const backends = await twinAndWasm();
const EPS = 1e-3;
const WIDE: [number, number][] = [[300, 3], [5, 300], [3, 513], [40, 257], [1, 1031], [1031, 1], [64, 260], [100, 16]];
const CASES: [number, number][] = [...SIZES.flatMap((R) => SIZES.map((C): [number, number] => [R, C])), ...WIDE];

/** The twin vs each build under tol, and the two builds bit for bit. */
function expectAgree(t: Twin, buf: Buf, tol: Tolerance, what: string): void {
  expectBuffersAgree(t, buf, tol, what);
  const [, simd, relaxed] = t.read(buf);
  expectAllClose(relaxed, simd, EXACT, `${what} (wasm-relaxed vs wasm-simd)`);
}

/** Every backend still holds `values` in an input buffer. */
function expectUnchanged(t: Twin, buf: Buf | 0, values: ArrayLike<number>, what: string): void {
  if (buf === 0) return;
  const want = Float64Array.from(values, Math.fround);
  t.read(buf).forEach((got, k) => expectAllClose(got, want, EXACT, `${what} unchanged (${t.backends[k].name})`));
}

/** Float32 per-channel mean and biased two-pass variance of x[R, C] (float64 sums): saved statistics. */
function channelStats(x: ArrayLike<number>, R: number, C: number): { mean: Float32Array; variance: Float32Array } {
  const mean = new Float32Array(C);
  const variance = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < R; r++) s += x[r * C + c];
    mean[c] = s / R;
    let q = 0;
    for (let r = 0; r < R; r++) q += (x[r * C + c] - mean[c]) ** 2;
    variance[c] = q / R;
  }
  return { mean, variance };
}

/** Float32 per-row mean and rstd = 1/sqrt(var + eps) of x[R, C]: layernorm's saved statistics. */
function rowStats(x: ArrayLike<number>, R: number, C: number): { mean: Float32Array; rstd: Float32Array } {
  const mean = new Float32Array(R);
  const rstd = new Float32Array(R);
  for (let r = 0; r < R; r++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += x[r * C + c];
    mean[r] = s / C;
    let q = 0;
    for (let c = 0; c < C; c++) q += (x[r * C + c] - mean[r]) ** 2;
    rstd[r] = 1 / Math.sqrt(q / C + EPS);
  }
  return { mean, rstd };
}

/** Case k's choices: which of gamma/beta exist and which buffers sit off the 16-byte alignment. */
const flags = (k: number) => ({ gamma: k % 3 !== 1, beta: k % 3 !== 2, mis: (bit: number) => ((k >> bit) & 1) === 1 });

describe('batchnorm_forward', () => {
  it('agrees with the twin within sumTolerance(R) over the R×C sweep (gamma/beta present or 0), inputs unchanged', () => {
    CASES.forEach(([R, C], k) => {
      const f = flags(k);
      const t = new Twin(backends);
      const xs = uniform(R * C, 1000 * R + C);
      const gs = uniform(C, k + 1);
      const bs = uniform(C, k + 2);
      const x = t.input(xs, f.mis(0));
      const gamma = f.gamma ? t.input(gs, f.mis(1)) : 0;
      const beta = f.beta ? t.input(bs, f.mis(2)) : 0;
      const mean = t.output(C, Number.NaN, f.mis(3));
      const variance = t.output(C, Number.NaN, f.mis(1));
      const y = t.output(R * C, Number.NaN, f.mis(2));
      t.call('batchnorm_forward', y, mean, variance, x, gamma, beta, R, C, EPS);
      const what = `${R}×${C} gamma=${f.gamma} beta=${f.beta}`;
      expectAgree(t, mean, sumTolerance(R), `mean ${what}`);
      expectAgree(t, variance, sumTolerance(R), `variance ${what}`);
      expectAgree(t, y, sumTolerance(R), `y ${what}`);
      expectUnchanged(t, x, xs, 'x');
      expectUnchanged(t, gamma, gs, 'gamma');
      expectUnchanged(t, beta, bs, 'beta');
      t.expectSentinelsIntact();
    });
  });

  it('keeps the variance accurate for a large mean (two-pass) and for R = 100,000 (blocked sums)', () => {
    // x = 1000 + u: a one-pass E[x²] − E[x]² in float32 would lose every digit of the variance; a
    // single float32 accumulator over 1e5 rows drifts by ~1e-5 relative in the mean.
    for (const [R, C, shift] of [[64, 5, 1000], [100_000, 3, 1]]) {
      const xs = uniform(R * C, R + C).map((v) => v + shift);
      const t = new Twin([...backends, f64Backend()]);
      const x = t.input(xs);
      const mean = t.output(C);
      const variance = t.output(C);
      t.call('batchnorm_forward', t.output(R * C), mean, variance, x, 0, 0, R, C, EPS);
      const means = t.read(mean);
      const vars = t.read(variance);
      const [m64, v64] = [means.pop()!, vars.pop()!];
      means.forEach((m, k) => expectAllClose(m, m64, { atol: 0, rtol: 2 ** -23 }, `mean R=${R} ${backends[k].name}`));
      vars.forEach((v, k) => expectAllClose(v, v64, { atol: 0, rtol: shift > 1 ? 1e-4 : 2 ** -21 }, `variance R=${R} ${backends[k].name}`));
    }
  });

  it('works in place (y = x), across several column chunks', () => {
    for (const [R, C] of [[7, 5], [37, 300]]) {
      const xs = uniform(R * C, 3);
      const t = new Twin(backends);
      const gamma = t.input(uniform(C, 4));
      const beta = t.input(uniform(C, 5));
      const x = t.input(xs);
      const x2 = t.input(xs, true);
      const y = t.output(R * C);
      t.call('batchnorm_forward', y, t.output(C), t.output(C), x, gamma, beta, R, C, EPS);
      t.call('batchnorm_forward', x2, t.output(C), t.output(C), x2, gamma, beta, R, C, EPS);
      const ys = t.read(y);
      t.read(x2).forEach((got, k) => expectAllClose(got, ys[k], EXACT, `in place ${R}×${C} ${backends[k].name}`));
      t.expectSentinelsIntact();
    }
  });
});

describe('batchnorm_backward', () => {
  it('agrees with the twin within sumTolerance(R) over the R×C sweep (dx or not, gamma or not), inputs unchanged', () => {
    CASES.forEach(([R, C], k) => {
      const f = flags(k);
      const withDx = k % 4 !== 3;
      const xs = uniform(R * C, 2000 * R + C);
      const dys = uniform(R * C, 3000 * R + C, -1, 1);
      const gs = uniform(C, k + 3);
      const { mean: ms, variance: vs } = channelStats(xs, R, C);
      const t = new Twin(backends);
      const dy = t.input(dys, f.mis(0));
      const x = t.input(xs, f.mis(1));
      const gamma = f.gamma ? t.input(gs, f.mis(2)) : 0;
      const mean = t.input(ms, f.mis(3));
      const variance = t.input(vs, f.mis(0));
      const dx = withDx ? t.output(R * C, Number.NaN, f.mis(2)) : 0;
      const dgamma = t.output(C, Number.NaN, f.mis(1));
      const dbeta = t.output(C, Number.NaN, f.mis(3));
      t.call('batchnorm_backward', dx, dgamma, dbeta, dy, x, gamma, mean, variance, R, C, EPS);
      const what = `${R}×${C} gamma=${f.gamma}`;
      expectAgree(t, dgamma, sumTolerance(R), `dgamma ${what}`);
      expectAgree(t, dbeta, sumTolerance(R), `dbeta ${what}`);
      if (dx !== 0) expectAgree(t, dx, sumTolerance(R), `dx ${what}`);
      for (const [b, v, n] of [[dy, dys, 'dy'], [x, xs, 'x'], [gamma, gs, 'gamma'], [mean, ms, 'mean'], [variance, vs, 'variance']] as const) expectUnchanged(t, b, v, n);
      t.expectSentinelsIntact();
    });
  });

  it('works in place (dx = dy), across several column chunks', () => {
    for (const [R, C] of [[9, 6], [33, 300]]) {
      const xs = uniform(R * C, 7);
      const dys = uniform(R * C, 8);
      const { mean: ms, variance: vs } = channelStats(xs, R, C);
      const t = new Twin(backends);
      const [x, gamma, mean, variance] = [t.input(xs), t.input(uniform(C, 9)), t.input(ms), t.input(vs)];
      const dy = t.input(dys);
      const dy2 = t.input(dys);
      const dx = t.output(R * C);
      t.call('batchnorm_backward', dx, t.output(C), t.output(C), dy, x, gamma, mean, variance, R, C, EPS);
      t.call('batchnorm_backward', dy2, t.output(C), t.output(C), dy2, x, gamma, mean, variance, R, C, EPS);
      const want = t.read(dx);
      t.read(dy2).forEach((got, k) => expectAllClose(got, want[k], EXACT, `in place ${R}×${C} ${backends[k].name}`));
      t.expectSentinelsIntact();
    }
  });
});

describe('batchnorm_inference and batchnorm_inference_backward', () => {
  it('equal the twin exactly (no sums) over the R×C sweep, in place too', () => {
    CASES.forEach(([R, C], k) => {
      const f = flags(k);
      const xs = uniform(R * C, 4000 * R + C);
      const [gs, bs, ms, vs] = [uniform(C, k + 5), uniform(C, k + 6), uniform(C, k + 7, -1, 1), uniform(C, k + 8, 0.05, 2)];
      const t = new Twin(backends);
      const x = t.input(xs, f.mis(0));
      const gamma = f.gamma ? t.input(gs, f.mis(1)) : 0;
      const beta = f.beta ? t.input(bs, f.mis(2)) : 0;
      const mean = t.input(ms, f.mis(3));
      const variance = t.input(vs, f.mis(2));
      const y = t.output(R * C, Number.NaN, f.mis(1));
      const dx = t.output(R * C, Number.NaN, f.mis(3));
      t.call('batchnorm_inference', y, x, gamma, beta, mean, variance, R, C, EPS);
      t.call('batchnorm_inference_backward', dx, x, gamma, variance, R, C, EPS);
      const what = `${R}×${C} gamma=${f.gamma} beta=${f.beta}`;
      expectAgree(t, y, EXACT, `inference y ${what}`);
      expectAgree(t, dx, EXACT, `inference dx ${what}`);
      for (const [b, v, n] of [[x, xs, 'x'], [gamma, gs, 'gamma'], [beta, bs, 'beta'], [mean, ms, 'mean'], [variance, vs, 'variance']] as const) expectUnchanged(t, b, v, n);
      // in place: y = x, then dx = dy on the same buffer
      const z = t.input(xs, f.mis(1));
      t.call('batchnorm_inference', z, z, gamma, beta, mean, variance, R, C, EPS);
      const ys = t.read(y);
      t.read(z).forEach((got, j) => expectAllClose(got, ys[j], EXACT, `inference in place ${what}`));
      t.write(z, xs);
      t.call('batchnorm_inference_backward', z, z, gamma, variance, R, C, EPS);
      const dxs = t.read(dx);
      t.read(z).forEach((got, j) => expectAllClose(got, dxs[j], EXACT, `inference backward in place ${what}`));
      t.expectSentinelsIntact();
    });
  });
});

describe('layernorm_forward', () => {
  it('agrees with the twin within sumTolerance(C) over the R×C sweep (gamma/beta present or 0), inputs unchanged', () => {
    CASES.forEach(([R, C], k) => {
      const f = flags(k);
      const xs = uniform(R * C, 5000 * R + C);
      const [gs, bs] = [uniform(C, k + 9), uniform(C, k + 10)];
      const t = new Twin(backends);
      const x = t.input(xs, f.mis(0));
      const gamma = f.gamma ? t.input(gs, f.mis(1)) : 0;
      const beta = f.beta ? t.input(bs, f.mis(2)) : 0;
      const mean = t.output(R, Number.NaN, f.mis(3));
      const rstd = t.output(R, Number.NaN, f.mis(2));
      const y = t.output(R * C, Number.NaN, f.mis(1));
      t.call('layernorm_forward', y, mean, rstd, x, gamma, beta, R, C, EPS);
      const what = `${R}×${C} gamma=${f.gamma} beta=${f.beta}`;
      expectAgree(t, mean, sumTolerance(C), `mean ${what}`);
      expectAgree(t, rstd, sumTolerance(C), `rstd ${what}`);
      expectAgree(t, y, sumTolerance(C), `y ${what}`);
      for (const [b, v, n] of [[x, xs, 'x'], [gamma, gs, 'gamma'], [beta, bs, 'beta']] as const) expectUnchanged(t, b, v, n);
      t.expectSentinelsIntact();
    });
  });

  it('keeps rstd accurate for rows with a large mean (two-pass)', () => {
    const [R, C] = [6, 37];
    const xs = uniform(R * C, 11).map((v) => v + 1000);
    const t = new Twin([...backends, f64Backend()]);
    const rstd = t.output(R);
    t.call('layernorm_forward', t.output(R * C), t.output(R), rstd, t.input(xs), 0, 0, R, C, EPS);
    const got = t.read(rstd);
    const ref = got.pop()!;
    got.forEach((g, k) => expectAllClose(g, ref, { atol: 0, rtol: 1e-4 }, `rstd ${backends[k].name}`));
  });

  it('works in place (y = x)', () => {
    const [R, C] = [5, 301];
    const xs = uniform(R * C, 12);
    const t = new Twin(backends);
    const gamma = t.input(uniform(C, 13));
    const beta = t.input(uniform(C, 14));
    const y = t.output(R * C);
    const x2 = t.input(xs, true);
    t.call('layernorm_forward', y, t.output(R), t.output(R), t.input(xs), gamma, beta, R, C, EPS);
    t.call('layernorm_forward', x2, t.output(R), t.output(R), x2, gamma, beta, R, C, EPS);
    const ys = t.read(y);
    t.read(x2).forEach((got, k) => expectAllClose(got, ys[k], EXACT, `in place ${backends[k].name}`));
    t.expectSentinelsIntact();
  });
});

describe('layernorm_backward', () => {
  it('agrees with the twin over the R×C sweep: dgamma, dbeta within sumTolerance(R), dx within sumTolerance(C); 0 skips an output', () => {
    CASES.forEach(([R, C], k) => {
      const f = flags(k);
      const xs = uniform(R * C, 6000 * R + C);
      const dys = uniform(R * C, 7000 * R + C, -1, 1);
      const gs = uniform(C, k + 11);
      const { mean: ms, rstd: rs } = rowStats(xs, R, C);
      const t = new Twin(backends);
      const dy = t.input(dys, f.mis(0));
      const x = t.input(xs, f.mis(1));
      const gamma = f.gamma ? t.input(gs, f.mis(2)) : 0;
      const mean = t.input(ms, f.mis(3));
      const rstd = t.input(rs, f.mis(0));
      const dx = k % 4 !== 3 ? t.output(R * C, Number.NaN, f.mis(2)) : 0;
      const dgamma = k % 5 !== 4 ? t.output(C, Number.NaN, f.mis(1)) : 0;
      const dbeta = k % 7 !== 6 ? t.output(C, Number.NaN, f.mis(3)) : 0;
      t.call('layernorm_backward', dx, dgamma, dbeta, dy, x, gamma, mean, rstd, R, C);
      const what = `${R}×${C} gamma=${f.gamma}`;
      if (dgamma !== 0) expectAgree(t, dgamma, sumTolerance(R), `dgamma ${what}`);
      if (dbeta !== 0) expectAgree(t, dbeta, sumTolerance(R), `dbeta ${what}`);
      if (dx !== 0) expectAgree(t, dx, sumTolerance(C), `dx ${what}`);
      for (const [b, v, n] of [[dy, dys, 'dy'], [x, xs, 'x'], [gamma, gs, 'gamma'], [mean, ms, 'mean'], [rstd, rs, 'rstd']] as const) expectUnchanged(t, b, v, n);
      t.expectSentinelsIntact();
    });
  });

  it('works in place (dx = dy), with the weight gradients still read from the original dy', () => {
    for (const [R, C] of [[6, 9], [20, 300]]) {
      const xs = uniform(R * C, 15);
      const dys = uniform(R * C, 16);
      const { mean: ms, rstd: rs } = rowStats(xs, R, C);
      const t = new Twin(backends);
      const [x, gamma, mean, rstd] = [t.input(xs), t.input(uniform(C, 17)), t.input(ms), t.input(rs)];
      const [dx, dg, db, dg2, db2] = [t.output(R * C), t.output(C), t.output(C), t.output(C), t.output(C)];
      const dy2 = t.input(dys);
      t.call('layernorm_backward', dx, dg, db, t.input(dys), x, gamma, mean, rstd, R, C);
      t.call('layernorm_backward', dy2, dg2, db2, dy2, x, gamma, mean, rstd, R, C);
      for (const [a, b, n] of [[dy2, dx, 'dx'], [dg2, dg, 'dgamma'], [db2, db, 'dbeta']] as const) {
        const want = t.read(b);
        t.read(a).forEach((got, k) => expectAllClose(got, want[k], EXACT, `in place ${n} ${R}×${C} ${backends[k].name}`));
      }
      t.expectSentinelsIntact();
    }
  });
});

describe('hand-computed values (R = 4, C = 2)', () => {
  // Column 0 = [1, 2, 3, 6]: mean 3, variance 14/4 = 3.5; column 1 = [−4, 0, 1, 7]: mean 1, variance
  // 62/4 = 15.5. With eps = 0.5, rstd = 1/√4 = 0.5 and 1/√16 = 0.25: every value is exact in float32.
  const x = [1, -4, 2, 0, 3, 1, 6, 7];
  const gamma = [2, -1];
  const beta = [0.5, 3];

  it('batchnorm_forward: mean [3, 1], variance [3.5, 15.5], y = gamma·(x − mean)·rstd + beta', () => {
    const t = new Twin(backends);
    const [mean, variance, y] = [t.output(2), t.output(2), t.output(8)];
    t.call('batchnorm_forward', y, mean, variance, t.input(x), t.input(gamma), t.input(beta), 4, 2, 0.5);
    for (const m of t.read(mean)) expect(Array.from(m)).toEqual([3, 1]);
    for (const v of t.read(variance)) expect(Array.from(v)).toEqual([3.5, 15.5]);
    // column 0: 2·(x − 3)·0.5 + 0.5; column 1: −(x − 1)·0.25 + 3
    for (const v of t.read(y)) expect(Array.from(v)).toEqual([-1.5, 4.25, -0.5, 3.25, 0.5, 3, 3.5, 1.5]);
  });

  it('batchnorm_inference: moving mean [1, −2], variance [3.5, 15.5] give 2·(x − 1)·0.5 + 0.5 and −(x + 2)·0.25 + 3', () => {
    const t = new Twin(backends);
    const y = t.output(8);
    t.call('batchnorm_inference', y, t.input(x), t.input(gamma), t.input(beta), t.input([1, -2]), t.input([3.5, 15.5]), 4, 2, 0.5);
    for (const v of t.read(y)) expect(Array.from(v)).toEqual([0.5, 3.5, 1.5, 2.5, 2.5, 2.25, 5.5, 0.75]);
  });

  it('layernorm_forward on the transpose (rows [1, 2, 3, 6] and [−4, 0, 1, 7]) gives the same statistics per row', () => {
    const t = new Twin(backends);
    const [mean, rstd, y] = [t.output(2), t.output(2), t.output(8)];
    const g = [1, 2, -1, 0.5];
    const b = [0, 1, 2, -1];
    t.call('layernorm_forward', y, mean, rstd, t.input([1, 2, 3, 6, -4, 0, 1, 7]), t.input(g), t.input(b), 2, 4, 0.5);
    for (const m of t.read(mean)) expect(Array.from(m)).toEqual([3, 1]);
    for (const r of t.read(rstd)) expect(Array.from(r)).toEqual([0.5, 0.25]);
    // xhat rows [−1, −0.5, 0, 1.5] and [−1.25, −0.25, 0, 1.5]; y = xhat·g + b
    for (const v of t.read(y)) expect(Array.from(v)).toEqual([-1, 0, 2, -0.25, -1.25, 0.5, 2, -0.25]);
  });
});
