import { describe, expect, it } from 'vitest';
import { Twin } from '../helpers/twin.js';
import { EXACT, dotTolerance, expectAllClose } from '../helpers/close.js';
import { MODEL_SHAPE, SIZES, uniform } from '../helpers/cases.js';
import { expectBuffersAgree, twinAndWasm } from '../helpers/agree.js';
import { f64Backend } from '../helpers/backends.js';
import { ACT } from '../../src/backend/abi.js';
import type { Backend } from '../../src/backend/backend.js';

// The products are sums of K terms whose order differs between the backends (SIMD lanes, k-blocks,
// register tiles) and which the relaxed build fuses, so they agree within dotTolerance(K), not
// sumTolerance(K), which is too tight for dot products once K > ~100 (reason in close.ts); inputs
// are uniform in [-2, 2]. Shapes: the SIZES sweep crossed three ways (remainders around the 4-lane
// vector, the 8-wide panel and the 5- or 6-row tile; the few-rows path of A·B, M ≤ 3; the narrow-C
// path, N ≤ 24, which computes Cᵀ), the model shapes, and shapes that cross the kernels' blocking
// (K > 128, N > 192).

const backends = await twinAndWasm(); // [js (float32 twin, the reference), wasm-simd, wasm-relaxed]

const FORMS = ['matmul', 'matmul_nt', 'matmul_tn'] as const;
type Form = (typeof FORMS)[number];

const MODEL_SHAPES: [number, number, number][] = [
  [MODEL_SHAPE.M, MODEL_SHAPE.K, MODEL_SHAPE.N], // first layer forward: 128×784·784×128
  [128, 128, 784], // the same layer transposed (dX = dZ·Wᵀ, dW = Xᵀ·dZ)
  [128, 128, 10], // the output layer
];
// Several k-blocks (K > 128), several column blocks (N > 192), narrow C with several k-blocks,
// tiles that are not whole at either edge.
const BLOCKING_SHAPES: [number, number, number][] = [
  [37, 300, 401],
  [13, 257, 5],
  [64, 129, 200],
  [6, 40, 24],
  [25, 40, 25],
];

/** Runs `body` and then frees what it allocated in every backend's arena. */
function scoped(bs: Backend[], body: () => void): void {
  const marks = bs.map((b) => b.arena.mark());
  try {
    body();
  } finally {
    bs.forEach((b, k) => b.arena.release(marks[k]));
  }
}

/** Exact float64 reference: C[i,j] = c0[i,j] + Σ_k A'[i,k]·B'[k,j] in k order, for each form's layout. */
function naive(form: Form, a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, c0?: ArrayLike<number>): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = c0 ? c0[i * N + j] : 0;
      for (let k = 0; k < K; k++) {
        const aik = form === 'matmul_tn' ? a[k * M + i] : a[i * K + k];
        const bkj = form === 'matmul_nt' ? b[j * K + k] : b[k * N + j];
        s += aik * bkj;
      }
      c[i * N + j] = s;
    }
  }
  return c;
}

/**
 * One product in every backend, acc = 0 over NaN garbage and then acc = 1 onto the result; each
 * WASM build must agree with the twin, the inputs must be unchanged and every sentinel intact.
 */
function checkAgainstTwin(form: Form, M: number, K: number, N: number, misalign: boolean): void {
  scoped(backends, () => {
    const seed = M * 10007 + K * 101 + N;
    const aValues = uniform(M * K, seed);
    const bValues = uniform(K * N, seed + 1);
    const t = new Twin(backends);
    const a = t.input(aValues, misalign);
    const b = t.input(bValues, misalign);
    const c = t.output(M * N, Number.NaN, misalign);
    const what = `${form} M=${M} K=${K} N=${N}${misalign ? ' misaligned' : ''}`;
    t.call(form, c, a, b, M, K, N, 0);
    expectBuffersAgree(t, c, dotTolerance(K), `${what} acc=0`);
    t.call(form, c, a, b, M, K, N, 1); // C = 2·A·B, each backend from its own first result
    expectBuffersAgree(t, c, dotTolerance(K), `${what} acc=1`);
    for (const got of t.read(a)) expectAllClose(got, aValues, EXACT, `${what}: A unchanged`);
    for (const got of t.read(b)) expectAllClose(got, bValues, EXACT, `${what}: B unchanged`);
    t.expectSentinelsIntact();
  });
}

for (const form of FORMS) {
  describe(form, () => {
    it('agrees with the float32 twin within dotTolerance(K) for every (M, K, N) of the SIZES sweep, overwriting and accumulating', () => {
      for (const M of SIZES) for (const K of SIZES) for (const N of SIZES) checkAgainstTwin(form, M, K, N, (M + K + N) % 2 === 1);
    });

    it('agrees with the float32 twin at the model shapes and across k-blocks and column blocks, aligned and misaligned', () => {
      for (const [M, K, N] of [...MODEL_SHAPES, ...BLOCKING_SHAPES]) {
        checkAgainstTwin(form, M, K, N, false);
        checkAgainstTwin(form, M, K, N, true);
      }
    });

    it('gives the hand-computed 2×2 product exactly, and adds it onto C with acc = 1', () => {
      // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]; tn reads A as stored Aᵀ, nt reads B as stored Bᵀ.
      const expected = {
        matmul: [19, 22, 43, 50], // A·B
        matmul_nt: [17, 23, 39, 53], // A·Bᵀ: [1·5 + 2·6, 1·7 + 2·8; 3·5 + 4·6, 3·7 + 4·8]
        matmul_tn: [26, 30, 38, 44], // Aᵀ·B: [1·5 + 3·7, 1·6 + 3·8; 2·5 + 4·7, 2·6 + 4·8]
      }[form];
      scoped(backends, () => {
        const t = new Twin(backends);
        const a = t.input([1, 2, 3, 4]);
        const b = t.input([5, 6, 7, 8]);
        const c = t.output(4);
        t.call(form, c, a, b, 2, 2, 2, 0);
        for (const got of t.read(c)) expectAllClose(got, expected, EXACT, `${form} 2×2`);
        t.call(form, c, a, b, 2, 2, 2, 1);
        for (const got of t.read(c)) expectAllClose(got, expected.map((v) => 2 * v), EXACT, `${form} 2×2 acc=1`);
        t.expectSentinelsIntact();
      });
    });

    it('gives a hand-computed 2×3·3×1 product exactly (a single output column)', () => {
      // A'[2,3] = [[1, -2, 0.5], [4, 0, -1]], B'[3,1] = [2, 3, -4]: [2 − 6 − 2, 8 + 0 + 4] = [−6, 12].
      const aRows = [1, -2, 0.5, 4, 0, -1];
      const a = form === 'matmul_tn' ? [1, 4, -2, 0, 0.5, -1] : aRows; // tn stores A'ᵀ (3×2)
      scoped(backends, () => {
        const t = new Twin(backends);
        const c = t.output(2);
        t.call(form, c, t.input(a), t.input([2, 3, -4]), 2, 3, 1, 0); // B'ᵀ of one column is the same 3 floats
        for (const got of t.read(c)) expectAllClose(got, [-6, 12], EXACT, `${form} 2×3·3×1`);
        t.expectSentinelsIntact();
      });
    });

    it('with K = 0 writes zeros (acc = 0) or leaves C unchanged (acc = 1), and with M = 0 or N = 0 writes nothing', () => {
      scoped(backends, () => {
        const t = new Twin(backends);
        const a = t.input([1, 2, 3]);
        const b = t.input([4, 5, 6]);
        const c = t.input([7, 8, 9, 10, 11, 12]);
        t.call(form, c, a, b, 2, 0, 3, 1);
        for (const got of t.read(c)) expectAllClose(got, [7, 8, 9, 10, 11, 12], EXACT, `${form} K=0 acc=1`);
        t.call(form, c, a, b, 0, 3, 3, 0);
        t.call(form, c, a, b, 2, 3, 0, 0);
        for (const got of t.read(c)) expectAllClose(got, [7, 8, 9, 10, 11, 12], EXACT, `${form} M=0, N=0`);
        t.call(form, c, a, b, 2, 0, 3, 0);
        for (const got of t.read(c)) expectAllClose(got, [0, 0, 0, 0, 0, 0], EXACT, `${form} K=0 acc=0`);
        t.expectSentinelsIntact();
      });
    });

    it('in the float32 twin is within dotTolerance(K) of a float64 triple loop, and the float64 twin equals it exactly', () => {
      // The float64 twin adds the same products in the same k order as the loop below, so it is exact.
      const f64 = f64Backend();
      for (const [M, K, N] of [[3, 5, 7], [17, 33, 16], [MODEL_SHAPE.M, MODEL_SHAPE.K, 10]]) {
        const aValues = uniform(M * K, 3 * M + K);
        const bValues = uniform(K * N, 5 * N + K);
        const c0 = uniform(M * N, 7);
        const t = new Twin([backends[0], f64]);
        const c = t.input(c0);
        t.call(form, c, t.input(aValues), t.input(bValues), M, K, N, 1);
        const [got32, got64] = t.read(c);
        const exact = naive(form, aValues, bValues, M, K, N, c0);
        expectAllClose(got32, exact, dotTolerance(K), `${form} ${M}×${K}×${N} float32 twin vs float64 loop`);
        expectAllClose(got64, exact, EXACT, `${form} ${M}×${K}×${N} float64 twin vs float64 loop`);
        t.expectSentinelsIntact();
      }
    });
  });
}

describe('dense_forward', () => {
  const SHAPES: [number, number, number][] = [
    ...MODEL_SHAPES,
    ...BLOCKING_SHAPES,
    [1, 1, 1],
    [5, 3, 17],
    [17, 16, 3],
    [33, 7, 8],
    // every width of the last, partial panel: rows of C (N = 15, 30, 11 → 7, 6, 3 columns) and,
    // for narrow C computed as Cᵀ, columns of C (M = 37 → 5 rows); a few rows (M ≤ 3) with N mod 4 = 1
    [5, 5, 15],
    [4, 9, 30],
    [4, 3, 11],
    [37, 20, 5],
    [3, 9, 13],
  ];

  /** x, w, b (or no bias) in every backend; y over NaN garbage. */
  function setup(t: Twin, M: number, K: number, N: number, bias: boolean, misalign = false) {
    const seed = M * 7 + K * 11 + N;
    return {
      x: t.input(uniform(M * K, seed), misalign),
      w: t.input(uniform(K * N, seed + 1), misalign),
      b: bias ? t.input(uniform(N, seed + 2), misalign) : 0,
      y: t.output(M * N, Number.NaN, misalign),
    };
  }

  it('with linear and relu, with and without bias, agrees with the float32 twin within dotTolerance(K)', () => {
    for (const [M, K, N] of SHAPES) {
      for (const act of [ACT.linear, ACT.relu]) {
        for (const bias of [false, true]) {
          scoped(backends, () => {
            const t = new Twin(backends);
            const { x, w, b, y } = setup(t, M, K, N, bias, (M + N) % 2 === 1);
            t.call('dense_forward', y, x, w, b, M, K, N, act, 0);
            expectBuffersAgree(t, y, dotTolerance(K), `dense_forward ${M}×${K}×${N} act=${act} bias=${bias}`);
            t.expectSentinelsIntact();
          });
        }
      }
    }
  });

  it('without bias equals matmul into y (acc = 0) exactly, in every backend', () => {
    for (const [M, K, N] of SHAPES) {
      scoped(backends, () => {
        const t = new Twin(backends);
        const { x, w, y } = setup(t, M, K, N, false);
        const z = t.output(M * N);
        t.call('dense_forward', y, x, w, 0, M, K, N, ACT.linear, 0);
        t.call('matmul', z, x, w, M, K, N, 0);
        const ys = t.read(y);
        t.read(z).forEach((zs, k) => expectAllClose(ys[k], zs, EXACT, `dense_forward vs matmul ${M}×${K}×${N} (${backends[k].name})`));
        t.expectSentinelsIntact();
      });
    }
  });

  // The fused epilogue must run activation_forward exactly once on each finished pre-activation:
  // the same values in the same kernel give the same bits, so fused equals unfused exactly. Shapes
  // for each way the epilogue is reached: one column block (one call per row tile), several column
  // blocks (a call per row), narrow C computed as Cᵀ (a call per finished block of rows), several
  // k-blocks (only the last may apply it), edge tiles, a few rows (one call after the product).
  const EPILOGUE_SHAPES: [number, number, number][] = [[128, 128, 10], [37, 300, 401], [13, 257, 5], [25, 40, 25], [5, 5, 15], [37, 20, 5], [3, 9, 13], [1, 1, 1]];
  for (const [name, act] of Object.entries(ACT)) {
    if (act === ACT.linear) continue;
    it(`with ${name} equals dense_forward (linear) followed by activation_forward, exactly, in every backend`, () => {
      const alpha = name === 'elu' ? 1 : 0.2; // leakyRelu slope / elu scale; others ignore it
      for (const [M, K, N] of EPILOGUE_SHAPES) {
        for (const bias of [false, true]) {
          scoped(backends, () => {
            const t = new Twin(backends);
            const { x, w, b, y } = setup(t, M, K, N, bias, M % 2 === 1);
            const z = t.output(M * N);
            t.call('dense_forward', y, x, w, b, M, K, N, act, alpha);
            t.call('dense_forward', z, x, w, b, M, K, N, ACT.linear, 0);
            t.call('activation_forward', z, z, M * N, act, alpha);
            const ys = t.read(y);
            t.read(z).forEach((zs, k) => expectAllClose(ys[k], zs, EXACT, `dense_forward ${name} ${M}×${K}×${N} bias=${bias} (${backends[k].name})`));
            t.expectSentinelsIntact();
          });
        }
      }
    });
  }

  it('gives the hand-computed relu layer: x = [[-1, 2]], w = [[1, -2], [3, -4]], b = [5, -6] → [[10, 0]]', () => {
    // x·w = [−1 + 6, 2 − 8] = [5, −6]; + b = [10, −12]; relu → [10, 0]; linear keeps [10, −12].
    scoped(backends, () => {
      const t = new Twin(backends);
      const x = t.input([-1, 2]);
      const w = t.input([1, -2, 3, -4]);
      const b = t.input([5, -6]);
      const y = t.output(2);
      t.call('dense_forward', y, x, w, b, 1, 2, 2, ACT.relu, 0);
      for (const got of t.read(y)) expect(Array.from(got)).toEqual([10, 0]);
      t.call('dense_forward', y, x, w, b, 1, 2, 2, ACT.linear, 0);
      for (const got of t.read(y)) expect(Array.from(got)).toEqual([10, -12]);
      t.call('dense_forward', y, x, w, 0, 1, 2, 2, ACT.linear, 0); // b = 0: no bias
      for (const got of t.read(y)) expect(Array.from(got)).toEqual([5, -6]);
      t.expectSentinelsIntact();
    });
  });

  it('with K = 0 writes act(b), or zeros without bias', () => {
    scoped(backends, () => {
      const t = new Twin(backends);
      const b = t.input([1.5, -2, 3]);
      const y = t.output(6);
      t.call('dense_forward', y, b, b, b, 2, 0, 3, ACT.relu, 0);
      for (const got of t.read(y)) expect(Array.from(got)).toEqual([1.5, 0, 3, 1.5, 0, 3]);
      t.call('dense_forward', y, b, b, 0, 2, 0, 3, ACT.linear, 0);
      for (const got of t.read(y)) expect(Array.from(got)).toEqual([0, 0, 0, 0, 0, 0]);
      t.expectSentinelsIntact();
    });
  });
});
