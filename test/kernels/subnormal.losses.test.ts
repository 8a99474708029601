import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, TRANSCENDENTAL } from '../helpers/close.js';
import { uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { countSubnormal, expectFlushed } from '../helpers/subnormal.js';
import { sigmoid } from '../../src/backend/js/activations.js';
import { NORMAL_MIN } from '../../src/backend/js/flush.js';

// Losses whose exp/log pieces or gradient scale 1/M, 1/(M·N) reach the subnormal range
// (src/backend/abi.ts, "Subnormal floats"): probabilities and gradients are ±0 where the exact value
// is subnormal and never subnormal anywhere; a loss value below 2^-126 is returned as 0. The
// gradients that equal the twin bit for bit still do. Counted, never timed.

const backends = await twinAndWasm();

/** Rows of N logits: a 0 (the max), a 0.5 and five 80…110 below, so p spans the boundary. */
const GAPS = [80, 84, 86, 87, 87.2, 87.3, 87.33, 87.34, 87.35, 87.4, 88, 90, 95, 100, 103.9, 104.1, 110];
const N = 7;
const M = GAPS.length;
const LOGITS = new Float32Array(M * N).map((_, k) => {
  const [i, j] = [Math.floor(k / N), k % N];
  return j === 0 ? 0 : j === 1 ? 0.5 : -(GAPS[i] + (j - 2) * 0.37);
});
const LABELS = new Float32Array(M).map((_, i) => i % 2); // the true class is one of the two large logits
const ONE_HOT = new Float32Array(M * N).map((_, k) => (k % N === LABELS[Math.floor(k / N)] ? 1 : 0));

function exactSoftmax(z: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    const row = Array.from(z.subarray(i * N, i * N + N));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

/** Every backend's returned loss is 0 or at least 2^-126 in magnitude. */
function expectNormalReturns(values: number[], what: string): void {
  values.forEach((v, k) => expect(v === 0 || Math.abs(v) >= NORMAL_MIN || Number.isNaN(v), `${what} on ${backends[k].name}: ${v}`).toBe(true));
}

describe('softmax fused with cross-entropy', () => {
  for (const sparse of [false, true]) {
    const fwd = sparse ? 'softmax_sparse_cce_forward' : 'softmax_cce_forward';
    const bwd = sparse ? 'softmax_sparse_cce_backward' : 'softmax_cce_backward';
    it(`${fwd}/${bwd.replace('softmax_', '')}: p and (p − t)/M are ±0 where subnormal, none subnormal, gradient bit for bit`, () => {
      const t = new Twin(backends);
      const z = t.input(LOGITS);
      const target = t.input(sparse ? LABELS : ONE_HOT);
      const p = t.output(M * N);
      expectNormalReturns(t.call(fwd, p, z, target, M, N), fwd);
      expect(expectFlushed(t, p, exactSoftmax(LOGITS), `${fwd} p`, 1e-5)).toBeGreaterThan(10);
      expectBuffersAgree(t, p, TRANSCENDENTAL, `${fwd} p`);
      // the float32 twin's p for everyone, as in losses.test.ts, so the gradient compares like with like
      const ps = t.read(p)[0];
      t.write(p, ps);
      const dz = t.output(M * N);
      t.call(bwd, dz, p, target, M, N);
      const exact = Array.from(ps, (v, k) => (v - ONE_HOT[k]) / M);
      expect(expectFlushed(t, dz, exact, `${bwd} dz`), 'gradients that would be subnormal').toBeGreaterThan(5);
      expectBuffersAgree(t, dz, EXACT, `${bwd} dz`);
      t.expectSentinelsIntact();
    });
  }
});

describe('binary cross-entropy on logits', () => {
  const zs = new Float32Array(2 * 220).map((_, i) => -110 + i / 4); // −110 … 0, where σ(z) and σ(z)/(M·N) cross 2^-126
  const n = zs.length;

  it('bce_logits_backward: (σ(z) − t)/(M·N) is ±0 where subnormal, none subnormal, twin within TRANSCENDENTAL', () => {
    const ts = new Float32Array(n).map((_, i) => (i % 5 === 0 ? 1e-37 : 0));
    const t = new Twin(backends);
    const dz = t.output(n);
    t.call('bce_logits_backward', dz, t.input(zs), t.input(ts), 2, n / 2);
    const exact = Array.from(zs, (v, i) => (sigmoid(v) - ts[i]) / n);
    expect(expectFlushed(t, dz, exact, 'bce_logits dz', 1e-5)).toBeGreaterThan(10);
    expectBuffersAgree(t, dz, TRANSCENDENTAL, 'bce_logits dz');
  });

  it('bce_logits_forward: a loss below 2^-126 is returned as 0 (log(1 + e^z) for z ≤ −88)', () => {
    const t = new Twin(backends);
    for (const z of [-88, -90, -100]) {
      const values = t.call('bce_logits_forward', t.input(new Float32Array(9).fill(z)), t.input(new Float32Array(9)), 3, 3);
      values.forEach((v, k) => expect(v, `z = ${z} on ${backends[k].name}`).toBe(0));
    }
    expectNormalReturns(t.call('bce_logits_forward', t.input(zs), t.input(new Float32Array(n)), 1, n), 'bce_logits over −110…0');
  });
});

describe('cross-entropy on probabilities with tiny soft targets', () => {
  it('cce_backward: (t/p)·(−1/M) is ±0 where subnormal, none subnormal, bit for bit', () => {
    const n = 12 * 8;
    const ps = uniform(n, 3, 0.01, 1);
    const TINY = [0, 1e-30, 1e-35, 1e-36, 1e-37, 5e-38, 3e-39, 1e-44];
    const ts = new Float32Array(n).map((_, i) => TINY[i % TINY.length]);
    const t = new Twin(backends);
    const dp = t.output(n);
    t.call('cce_backward', dp, t.input(ps), t.input(ts), 12, 8);
    const exact = Array.from(ts, (v, i) => -(v / ps[i]) / 12);
    expect(expectFlushed(t, dp, exact, 'cce dp')).toBeGreaterThan(10);
    expectBuffersAgree(t, dp, EXACT, 'cce dp');
  });

  it('every loss value is 0 or normal when the exact mean is subnormal', () => {
    const t = new Twin(backends);
    const tiny = t.input(new Float32Array(8).fill(1e-20)); // (1e-20)² = 1e-40
    const zero = t.input(new Float32Array(8));
    const soft = t.input(new Float32Array(8).fill(3e-41));
    const half = t.input(new Float32Array(8).fill(0.5));
    expectNormalReturns(t.call('mse_forward', tiny, zero, 2, 4), 'mse');
    expectNormalReturns(t.call('cce_forward', half, soft, 2, 4), 'cce');
    expectNormalReturns(t.call('bce_forward', half, half, 2, 4), 'bce');
    for (const v of t.call('mse_forward', tiny, zero, 2, 4)) expect(v).toBe(0);
    expect(countSubnormal(t.call('cce_forward', half, soft, 2, 4))).toBe(0);
  });
});
