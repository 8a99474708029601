import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, TRANSCENDENTAL, expectAllClose, sumTolerance } from '../helpers/close.js';
import { LONG, SIZES, rng, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, expectReturnsAgree, twinAndWasm } from '../helpers/agree.js';
import type { KernelName } from '../../src/backend/abi.js';

// Losses: both WASM builds against the float32 twin (src/backend/js/losses.ts). Forward values are
// sums (float32 lanes in the kernels, float64 in the twin): sumTolerance(M·N). Gradients are plain
// float32 steps mirrored by the twin: EXACT, except bce_logits (σ is transcendental): TRANSCENDENTAL.

const backends = await twinAndWasm();
const EPS = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7); // 1 − 2^-23

const SHAPES: [number, number][] = [...SIZES.flatMap((N) => [1, 3, 4, 5, 17].map((M): [number, number] => [M, N])), [2, LONG], [LONG, 1]];

type Dense = 'mse' | 'mae' | 'bce' | 'bce_logits' | 'cce' | 'softmax_cce';
type Sparse = 'sparse_cce' | 'softmax_sparse_cce';

/** Predictions (or logits) for a loss: probabilities for bce/cce, logits for the fused ones and bce_logits. */
function predictions(loss: Dense | Sparse, n: number, seed: number, wide: boolean): Float32Array {
  if (loss === 'mse' || loss === 'mae') return uniform(n, seed, wide ? -30 : -2, wide ? 30 : 2);
  if (loss === 'bce_logits' || loss === 'softmax_cce' || loss === 'softmax_sparse_cce') return uniform(n, seed, wide ? -30 : -3, wide ? 30 : 3);
  const p = uniform(n, seed, 0, 1);
  if (wide) {
    // clip territory: exact 0 and 1, beyond, on the bounds, and just inside them
    const edge = [0, 1, -0.5, 1.5, 1e-9, 1 - 1e-9, EPS, HI, Math.fround(1.5e-7), Math.fround(0.9999998)];
    for (let i = 0; i < n; i += 3) p[i] = edge[(i / 3) % edge.length];
  }
  return p;
}

/** Targets: one-hot rows for cce, {0, 1} or soft for bce, anything for mse/mae. */
function targets(loss: Dense, M: number, N: number, seed: number): Float32Array {
  if (loss === 'mse' || loss === 'mae') return uniform(M * N, seed);
  const r = rng(seed);
  const t = new Float32Array(M * N);
  if (loss === 'cce' || loss === 'softmax_cce') {
    for (let i = 0; i < M; i++) {
      if (i % 2 === 0) t[i * N + Math.floor(r() * N)] = 1; // one-hot
      else {
        let s = 0; // soft: a random distribution
        for (let j = 0; j < N; j++) s += t[i * N + j] = r();
        for (let j = 0; j < N; j++) t[i * N + j] /= s;
      }
    }
    return t;
  }
  for (let i = 0; i < M * N; i++) t[i] = i % 2 === 0 ? (r() < 0.5 ? 0 : 1) : r(); // bce: hard and soft
  return t;
}

function labels(M: number, N: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(M).map(() => Math.floor(r() * N));
}

const forwardName = (loss: string): KernelName => `${loss}_forward` as KernelName;
const backwardName = (loss: string): KernelName => `${loss}_backward` as KernelName;

describe('loss values and gradients against the float32 twin', () => {
  for (const loss of ['mse', 'mae', 'bce', 'bce_logits', 'cce', 'softmax_cce'] as Dense[]) {
    const fused = loss === 'softmax_cce';
    const gradTol = loss === 'bce_logits' ? TRANSCENDENTAL : EXACT;
    it(`${loss}: forward within sumTolerance(M·N) and backward ${gradTol === EXACT ? 'exact' : 'within TRANSCENDENTAL'}, every M×N, misaligned, dp = pred`, () => {
      for (const [M, N] of SHAPES) {
        for (const wide of [false, true]) {
          const n = M * N;
          const ps = predictions(loss, n, M * 7919 + N, wide);
          const ts = targets(loss, M, N, M * 31 + N);
          const t = new Twin(backends);
          const p = t.input(ps, (M + N) % 2 === 0);
          const tg = t.input(ts, M % 2 === 1);
          const what = `${loss} ${M}x${N}${wide ? ' wide' : ''}`;
          let probs = p;
          if (fused) {
            // the fused forward writes p = softmax(z); its gradient reads that p
            probs = t.output(n, Number.NaN, true);
            expectReturnsAgree(t, t.call('softmax_cce_forward', probs, p, tg, M, N), sumTolerance(n), what);
            expectBuffersAgree(t, probs, TRANSCENDENTAL, `${what} p`);
            // the float32 twin's p for everyone, so the gradient compares like with like
            t.write(probs, t.read(probs)[0]);
          } else {
            expectReturnsAgree(t, t.call(forwardName(loss), p, tg, M, N), sumTolerance(n), what);
          }
          const dp = t.output(n, Number.NaN, N % 2 === 1);
          t.call(backwardName(loss), dp, probs, tg, M, N);
          expectBuffersAgree(t, dp, gradTol, `${what} gradient`);
          // dp may alias pred
          const expected = t.read(dp);
          t.call(backwardName(loss), probs, probs, tg, M, N);
          t.read(probs).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `${what} gradient in place on ${backends[k].name}`));
          t.expectSentinelsIntact();
        }
      }
    });
  }

  for (const loss of ['sparse_cce', 'softmax_sparse_cce'] as Sparse[]) {
    it(`${loss}: forward within sumTolerance and backward exact, every M×N, misaligned, in place`, () => {
      for (const [M, N] of SHAPES) {
        for (const wide of [false, true]) {
          const n = M * N;
          const t = new Twin(backends);
          const p = t.input(predictions(loss, n, M * 13 + N, wide), N % 2 === 0);
          const lb = t.input(labels(M, N, M + N), true);
          const what = `${loss} ${M}x${N}${wide ? ' wide' : ''}`;
          let probs = p;
          if (loss === 'softmax_sparse_cce') {
            probs = t.output(n);
            expectReturnsAgree(t, t.call('softmax_sparse_cce_forward', probs, p, lb, M, N), sumTolerance(n), what);
            expectBuffersAgree(t, probs, TRANSCENDENTAL, `${what} p`);
            t.write(probs, t.read(probs)[0]);
          } else {
            expectReturnsAgree(t, t.call('sparse_cce_forward', p, lb, M, N), sumTolerance(M), what);
          }
          const dp = t.output(n, Number.NaN, M % 2 === 0);
          t.call(backwardName(loss), dp, probs, lb, M, N);
          expectBuffersAgree(t, dp, EXACT, `${what} gradient`);
          const expected = t.read(dp);
          t.call(backwardName(loss), probs, probs, lb, M, N);
          t.read(probs).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `${what} gradient in place on ${backends[k].name}`));
          t.expectSentinelsIntact();
        }
      }
    });
  }
});

describe('fused softmax + cross-entropy', () => {
  it('writes the same p as softmax_forward, bit for bit, also in place (p = z)', () => {
    for (const [M, N] of [[3, 7], [2, 33], [1, LONG]]) {
      const zs = uniform(M * N, N, -5, 5);
      const t = new Twin(backends);
      const sm = t.output(M * N);
      t.call('softmax_forward', sm, t.input(zs), M, N);
      const z1 = t.input(zs);
      t.call('softmax_cce_forward', z1, z1, t.input(targets('cce', M, N, 4)), M, N);
      const z2 = t.input(zs, true);
      t.call('softmax_sparse_cce_forward', z2, z2, t.input(labels(M, N, 5)), M, N);
      const expected = t.read(sm);
      for (const buf of [z1, z2]) t.read(buf).forEach((got, k) => expectAllClose(got, expected[k], EXACT, `fused p ${M}x${N} on ${backends[k].name}`));
      t.expectSentinelsIntact();
    }
  });

  it('the in-place forward returns the same loss as the out-of-place one', () => {
    const [M, N] = [5, 9];
    const zs = uniform(M * N, 77, -4, 4);
    const t = new Twin(backends);
    const tg = t.input(targets('cce', M, N, 78));
    const lb = t.input(labels(M, N, 79));
    const z = t.input(zs);
    const out = t.call('softmax_cce_forward', t.output(M * N), z, tg, M, N);
    const outSparse = t.call('softmax_sparse_cce_forward', t.output(M * N), z, lb, M, N);
    const inPlace = t.call('softmax_cce_forward', z, z, tg, M, N);
    t.write(z, zs);
    const inPlaceSparse = t.call('softmax_sparse_cce_forward', z, z, lb, M, N);
    expect(inPlace).toEqual(out);
    expect(inPlaceSparse).toEqual(outSparse);
  });
});

describe('sparse and one-hot cross-entropies agree', () => {
  it('sparse_cce equals cce with the one-hot target: value within sumTolerance, gradient bit for bit', () => {
    for (const [M, N] of [[4, 10], [17, 3], [3, 33]]) {
      const lbs = labels(M, N, M * N);
      const onehot = new Float32Array(M * N);
      lbs.forEach((c, i) => (onehot[i * N + c] = 1));
      const ps = predictions('cce', M * N, 3, true);
      const t = new Twin(backends);
      const p = t.input(ps);
      const lb = t.input(lbs);
      const oh = t.input(onehot);
      const sparse = t.call('sparse_cce_forward', p, lb, M, N);
      const dense = t.call('cce_forward', p, oh, M, N);
      sparse.forEach((v, k) => expectAllClose([v], [dense[k]], sumTolerance(M * N), `sparse vs one-hot value on ${backends[k].name}`));
      const g1 = t.output(M * N);
      const g2 = t.output(M * N);
      t.call('sparse_cce_backward', g1, p, lb, M, N);
      t.call('cce_backward', g2, p, oh, M, N);
      // cce gives −0 where t = +0 ((t/p)·(−1/M)), sparse writes +0: equal as numbers, so compare x + 0
      const want = t.read(g2).map((g) => g.map((v) => v + 0));
      t.read(g1).forEach((got, k) => expectAllClose(got, want[k], EXACT, `sparse vs one-hot gradient on ${backends[k].name}`));
      // and the fused pair
      const z = t.input(uniform(M * N, 9, -3, 3));
      const pz = t.output(M * N);
      const fs = t.call('softmax_sparse_cce_forward', pz, z, lb, M, N);
      const fd = t.call('softmax_cce_forward', pz, z, oh, M, N);
      fs.forEach((v, k) => expectAllClose([v], [fd[k]], sumTolerance(M * N), `fused sparse vs one-hot value on ${backends[k].name}`));
      t.call('softmax_sparse_cce_backward', g1, pz, lb, M, N);
      t.call('softmax_cce_backward', g2, pz, oh, M, N);
      const want2 = t.read(g2);
      t.read(g1).forEach((got, k) => expectAllClose(got, want2[k], EXACT, `fused sparse vs one-hot gradient on ${backends[k].name}`));
    }
  });

  it('a label that is not a class id (−1, N, 1.5, NaN) makes the loss NaN and its gradient row NaN, without reading out of range', () => {
    const [M, N] = [6, 4];
    const lbs = [2, -1, N, 1.5, Number.NaN, 0];
    const t = new Twin(backends);
    const p = t.input(uniform(M * N, 1, 0.05, 1));
    const lb = t.input(lbs);
    for (const v of t.call('sparse_cce_forward', p, lb, M, N)) expect(v).toBeNaN();
    for (const v of t.call('softmax_sparse_cce_forward', t.output(M * N), p, lb, M, N)) expect(v).toBeNaN();
    for (const kernel of ['sparse_cce_backward', 'softmax_sparse_cce_backward'] as const) {
      const dp = t.output(M * N, 7);
      t.call(kernel, dp, p, lb, M, N);
      expectBuffersAgree(t, dp, EXACT, kernel);
      for (const got of t.read(dp)) {
        for (let i = 0; i < M; i++) {
          const row = Array.from(got.subarray(i * N, i * N + N));
          if (i === 0 || i === 5) expect(row.some(Number.isNaN), `${kernel} row ${i}`).toBe(false);
          else expect(row.every(Number.isNaN), `${kernel} row ${i}`).toBe(true);
        }
      }
    }
    t.expectSentinelsIntact();
  });
});

describe('accuracy of the logarithms', () => {
  /** float32 ULP distance between two float32 values of the same sign. */
  function ulps(a: number, b: number): number {
    const i = new Int32Array(new Float32Array([a, b]).buffer);
    return Math.abs(i[0] - i[1]);
  }

  it('a one-element cce (−log p) is within 2 ULP of the correctly rounded value for p in [1e-7, 1)', () => {
    for (const b of backends.slice(1)) {
      const p = b.arena.alloc(1);
      const t = b.arena.alloc(1);
      b.arena.heap()[t >> 2] = 1;
      let worst = 0;
      for (let k = 0; k < 20000; k++) {
        const v = Math.fround(Math.exp(-16 * (k / 20000)));
        const want = Math.fround(-Math.log(Math.min(Math.max(v, EPS), HI)));
        b.arena.heap()[p >> 2] = v;
        worst = Math.max(worst, ulps(b.kernels.cce_forward(p, t, 1, 1), want));
      }
      expect(worst, b.name).toBeLessThanOrEqual(2);
    }
  });

  it('a one-element bce_logits with t = 0 (log(1 + e^z)) is within 3 ULP for z in [-30, 0]', () => {
    for (const b of backends.slice(1)) {
      const z = b.arena.alloc(1);
      const t = b.arena.alloc(1);
      b.arena.heap()[t >> 2] = 0;
      let worst = 0;
      for (let k = 0; k < 20000; k++) {
        const v = Math.fround(-30 * (k / 20000));
        b.arena.heap()[z >> 2] = v;
        worst = Math.max(worst, ulps(b.kernels.bce_logits_forward(z, t, 1, 1), Math.fround(Math.log1p(Math.exp(v)))));
      }
      expect(worst, b.name).toBeLessThanOrEqual(3);
    }
  });
});

describe('NaN propagation', () => {
  it('a NaN prediction makes the loss NaN and its own gradient element NaN, and no other', () => {
    const [M, N] = [3, 6];
    for (const loss of ['mse', 'mae', 'bce', 'bce_logits', 'cce'] as Dense[]) {
      const ps = predictions(loss, M * N, 40, false);
      ps[7] = Number.NaN;
      const t = new Twin(backends);
      const p = t.input(ps);
      const tg = t.input(targets(loss, M, N, 41).map((v, i) => (i === 7 ? 1 : v))); // cce: t ≠ 0 where p is NaN
      for (const v of t.call(forwardName(loss), p, tg, M, N)) expect(v, loss).toBeNaN();
      const dp = t.output(M * N);
      t.call(backwardName(loss), dp, p, tg, M, N);
      for (const got of t.read(dp)) got.forEach((v, i) => expect(Number.isNaN(v), `${loss} gradient ${i}`).toBe(i === 7));
    }
  });

  it('a NaN logit in the fused losses makes its row of p NaN and the loss NaN', () => {
    const [M, N] = [3, 6];
    const zs = uniform(M * N, 42);
    zs[8] = Number.NaN;
    const t = new Twin(backends);
    const z = t.input(zs);
    const p = t.output(M * N);
    for (const v of t.call('softmax_cce_forward', p, z, t.input(targets('cce', M, N, 43)), M, N)) expect(v).toBeNaN();
    for (const v of t.call('softmax_sparse_cce_forward', p, z, t.input(labels(M, N, 44)), M, N)) expect(v).toBeNaN();
    for (const got of t.read(p)) got.forEach((v, i) => expect(Number.isNaN(v), `p[${i}]`).toBe(i >= 6 && i < 12));
  });
});

describe('hand-computed losses (every backend)', () => {
  function each(fn: (k: number, value: number) => void, values: number[]): void {
    values.forEach((v, k) => fn(k, v));
  }

  it('mse of a 2×2: ((1−1)² + (2−0)² + (3−0)² + (4−4)²)/4 = 3.25, gradient 2(p − t)/4', () => {
    const t = new Twin(backends);
    const p = t.input([1, 2, 3, 4]);
    const tg = t.input([1, 0, 0, 4]);
    each((k, v) => expect(v, backends[k].name).toBe(3.25), t.call('mse_forward', p, tg, 2, 2));
    const dp = t.output(4);
    t.call('mse_backward', dp, p, tg, 2, 2);
    for (const got of t.read(dp)) expect(Array.from(got)).toEqual([0, 1, 1.5, 0]);
  });

  it('mae of a 2×2 is mean |p − t|, and its gradient at exactly p = t is 0', () => {
    const t = new Twin(backends);
    const p = t.input([1, 2, -3, 4]);
    const tg = t.input([1, 0, 0, 4.5]);
    each((k, v) => expect(v, backends[k].name).toBe((0 + 2 + 3 + 0.5) / 4), t.call('mae_forward', p, tg, 2, 2));
    const dp = t.output(4);
    t.call('mae_backward', dp, p, tg, 2, 2);
    for (const got of t.read(dp)) expect(Array.from(got)).toEqual([0, 0.25, -0.25, -0.25]);
    for (const got of t.read(dp)) expect(Object.is(got[0], 0)).toBe(true); // sign(0) = +0
  });

  it('cce of a one-hot target is −log p of the true class: −log 0.7', () => {
    const t = new Twin(backends);
    const p = t.input([0.1, 0.2, 0.7, 0.5, 0.25, 0.25]);
    const tg = t.input([0, 0, 1, 1, 0, 0]);
    // mean over the 2 rows of −log 0.7 and −log 0.5
    each((k, v) => expectAllClose([v], [(-Math.log(Math.fround(0.7)) - Math.log(0.5)) / 2], sumTolerance(6), backends[k].name), t.call('cce_forward', p, tg, 2, 3));
    const dp = t.output(6);
    t.call('cce_backward', dp, p, tg, 2, 3);
    // −t/p/M: −1/0.7/2 and −1/0.5/2 = −1
    for (const got of t.read(dp)) expect(Array.from(got).map((v) => v + 0)).toEqual([0, 0, -Math.fround(1 / Math.fround(0.7)) / 2, -1, 0, 0]);
  });

  it('bce clips p = 0 and p = 1 to a finite loss (−log 1e-7 = 16.118…, −log 2^-23 = 15.942…) with zero gradient', () => {
    const t = new Twin(backends);
    const p = t.input([0, 1, 0, 1]);
    const tg = t.input([1, 0, 0, 1]);
    // mean of −log(EPS), −log(1 − HI) = 23·ln 2, and two terms −log(1 − EPS), −log(HI) ≈ 1e-7
    const expected = (-Math.log(EPS) + 23 * Math.LN2 - Math.log(1 - EPS) - Math.log(HI)) / 4;
    expect(-Math.log(EPS)).toBeCloseTo(16.11809565, 7);
    each((k, v) => expectAllClose([v], [expected], sumTolerance(4), backends[k].name), t.call('bce_forward', p, tg, 2, 2));
    const one = t.call('bce_forward', t.input([0]), t.input([1]), 1, 1);
    each((k, v) => expectAllClose([v], [-Math.log(EPS)], TRANSCENDENTAL, backends[k].name), one);
    const dp = t.output(4);
    t.call('bce_backward', dp, p, tg, 2, 2);
    for (const got of t.read(dp)) expect(Array.from(got)).toEqual([0, 0, 0, 0]);
  });

  it('bce gradient on the clip bounds themselves is not zero (the clip passes them), just outside it is', () => {
    const t = new Twin(backends);
    const p = t.input([EPS, HI, Math.fround(0.9e-7), 1]);
    const tg = t.input([1, 0, 1, 0]);
    const dp = t.output(4);
    t.call('bce_backward', dp, p, tg, 1, 4);
    for (const got of t.read(dp)) {
      expect(got[0]).toBeLessThan(0); // (p − t)/(p(1 − p))/4 = −(1 − EPS)/(EPS(1 − EPS))/4 ≈ −2.5e6
      expect(got[1]).toBeGreaterThan(0);
      expect([got[2], got[3]]).toEqual([0, 0]);
    }
  });

  it('bce_logits of z = 0 is log 2 per element; large |z| is exact (max(z,0) − z·t), gradient σ(z) − t', () => {
    const t = new Twin(backends);
    const z = t.input([0, 0, 100, -100]);
    const tg = t.input([0, 1, 1, 0]);
    each((k, v) => expectAllClose([v], [(2 * Math.LN2 + 0 + 0) / 4], sumTolerance(4), backends[k].name), t.call('bce_logits_forward', z, tg, 1, 4));
    const z2 = t.input([100, -100]);
    each((k, v) => expectAllClose([v], [100], sumTolerance(2), backends[k].name), t.call('bce_logits_forward', z2, t.input([0, 1]), 1, 2));
    const dz = t.output(4);
    t.call('bce_logits_backward', dz, z, tg, 1, 4);
    for (const got of t.read(dz)) expectAllClose(got, [0.125, -0.125, 0, 0], TRANSCENDENTAL, 'σ(z) − t over 4');
  });

  it('softmax_cce of z = [0, ln 3] with the second class true is −log 0.75; gradient (p − t)/M', () => {
    const t = new Twin(backends);
    const z = t.input([0, Math.log(3)]);
    const p = t.output(2);
    each((k, v) => expectAllClose([v], [-Math.log(0.75)], TRANSCENDENTAL, backends[k].name), t.call('softmax_cce_forward', p, z, t.input([0, 1]), 1, 2));
    each((k, v) => expectAllClose([v], [-Math.log(0.75)], TRANSCENDENTAL, backends[k].name), t.call('softmax_sparse_cce_forward', p, z, t.input([1]), 1, 2));
    for (const got of t.read(p)) expectAllClose(got, [0.25, 0.75], TRANSCENDENTAL, 'p');
    const dz = t.output(2);
    t.call('softmax_sparse_cce_backward', dz, p, t.input([1]), 1, 2);
    for (const got of t.read(dz)) expectAllClose(got, [0.25, -0.25], TRANSCENDENTAL, 'p − t');
  });

  it('the fused loss stays finite and exact for confident logits where p underflows (z = [0, 200])', () => {
    const t = new Twin(backends);
    const z = t.input([0, 200]);
    // true class 0: −log p0 = log(1 + e^200) ≈ 200, which clipping probabilities would cap at 16.1
    each((k, v) => expectAllClose([v], [200], sumTolerance(2), backends[k].name), t.call('softmax_sparse_cce_forward', t.output(2), z, t.input([0]), 1, 2));
    each((k, v) => expectAllClose([v], [200], sumTolerance(2), backends[k].name), t.call('softmax_cce_forward', t.output(2), z, t.input([1, 0]), 1, 2));
  });
});
