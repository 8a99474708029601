// Tolerances, stated once. Each kernel test picks one of these and, where it overrides, says why.
//
// - exact: the WebAssembly kernel and the float32 twin perform the same float32 operations in the
//   same order (copy, fill, relu, mul, scale, clip…): compared with Object.is, so NaN and −0 count.
// - sum: a sum of K products differs by summation order (SIMD lanes, register tiles) and, in the
//   relaxed build, by fused multiply-add (one rounding instead of two). f32 round-off is 2^-24 per
//   operation and grows about √K; rtol 1e-5 with atol 1e-6·√K covers inputs in [-2, 2].
// - dot: a matrix product element, Σ_k a_k·b_k with a, b in [-2, 2]. Its partial sums are random
//   walks of size ~1.3·√k, so each of the K roundings is about 2^-24·√K in absolute size and their
//   total grows like K·2^-24, faster than sumTolerance's √K: between two summation orders the error
//   beyond rtol·|e| measured up to 1.3·K·2^-24 (K = 33…2000, all three matmul forms), more than
//   sumTolerance's atol once K > ~100 (0.6·K·2^-24 at K = 784). atol 3·K·2^-24 leaves 2× margin.
// - transcendental: exp/log/tanh in WebAssembly are polynomial approximations; the twin uses Math.*
//   and rounds once. A few ULP of float32 (rtol 4e-6, atol 1e-7) is the bar.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const EXACT: Tolerance = { atol: 0, rtol: 0 };
export const TRANSCENDENTAL: Tolerance = { atol: 1e-7, rtol: 4e-6 };
export function sumTolerance(K: number): Tolerance {
  return { atol: 1e-6 * Math.sqrt(Math.max(K, 1)), rtol: 1e-5 };
}
export function dotTolerance(K: number): Tolerance {
  return { atol: Math.max(sumTolerance(K).atol, 3 * K * 2 ** -24), rtol: 1e-5 };
}

/**
 * Throws (through expect) with the worst index when any |a − e| > atol + rtol·|e|. NaN matches only
 * NaN and ±Infinity only itself; with EXACT every element must be Object.is-equal.
 */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what = 'values'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (tol.atol === 0 && tol.rtol === 0) {
      if (!Object.is(a, e)) {
        worst = i;
        break;
      }
      continue;
    }
    if (Number.isNaN(e) || Number.isNaN(a) || !Number.isFinite(e) || !Number.isFinite(a)) {
      if (!Object.is(a, e)) {
        worst = i;
        break;
      }
      continue;
    }
    const excess = Math.abs(a - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(|diff| ${Math.abs(actual[worst] - expected[worst])}, atol ${tol.atol}, rtol ${tol.rtol}, length ${actual.length})`,
    );
  }
}
