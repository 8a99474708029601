// Reductions: column sums (bias gradients), sum of squares (gradient norms), row arg-max (accuracy).
// Twin: src/backend/js/reduce.ts. Loss reductions live in losses.ts, l1/l2 values in regularize.ts.
//
// sum_squares accumulates in two levels: blocks of SUM_BLOCK elements are summed in float32 by 16
// lanes (4 vectors × 4), so each lane adds only SUM_BLOCK/16 = 16 terms; each block's partial is then
// added into a float64 total. The error is that of a 16-term float32 sum plus the final rounding to
// float32, independent of n (a single float32 accumulator drifts as n·2^-24 for n = 1e6).

/** Elements per float32 block before its partial goes into the float64 total (multiple of 16). */
export const SUM_BLOCK: i32 = 256;

/**
 * y[N] (+)= Σ_i x[i,:] over M rows; acc = 0 overwrites y, acc ≠ 0 adds into it. Each column is
 * summed in row order (the twin's order, so the float32 results match it exactly). y must not
 * alias x. Columns go 16 at a time in four vector accumulators, then 4 at a time, then one by one.
 */
export function col_sum(y: usize, x: usize, M: i32, N: i32, acc: i32): void {
  const stride = <usize>N << 2;
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 16 <= N; j += 16) {
    const py = y + (<usize>j << 2);
    let s0 = acc ? v128.load(py) : zero;
    let s1 = acc ? v128.load(py, 16) : zero;
    let s2 = acc ? v128.load(py, 32) : zero;
    let s3 = acc ? v128.load(py, 48) : zero;
    let px = x + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s0 = f32x4.add(s0, v128.load(px));
      s1 = f32x4.add(s1, v128.load(px, 16));
      s2 = f32x4.add(s2, v128.load(px, 32));
      s3 = f32x4.add(s3, v128.load(px, 48));
      px += stride;
    }
    v128.store(py, s0);
    v128.store(py, s1, 16);
    v128.store(py, s2, 32);
    v128.store(py, s3, 48);
  }
  for (; j + 4 <= N; j += 4) {
    const py = y + (<usize>j << 2);
    let s = acc ? v128.load(py) : zero;
    let px = x + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s = f32x4.add(s, v128.load(px));
      px += stride;
    }
    v128.store(py, s);
  }
  for (; j < N; j++) {
    const py = y + (<usize>j << 2);
    let s: f32 = acc ? load<f32>(py) : 0;
    let px = x + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      s += load<f32>(px);
      px += stride;
    }
    store<f32>(py, s);
  }
}

/** Σ x[i]² over n elements, returned as float32 (accumulation: see the file header). */
export function sum_squares(x: usize, n: i32): f32 {
  let total: f64 = 0;
  let i = 0;
  const n16 = n & ~15;
  while (i < n16) {
    const end = min(i + SUM_BLOCK, n16);
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    for (; i < end; i += 16) {
      const p = x + (<usize>i << 2);
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const x2 = v128.load(p, 32);
      const x3 = v128.load(p, 48);
      a0 = f32x4.add(a0, f32x4.mul(x0, x0));
      a1 = f32x4.add(a1, f32x4.mul(x1, x1));
      a2 = f32x4.add(a2, f32x4.mul(x2, x2));
      a3 = f32x4.add(a3, f32x4.mul(x3, x3));
    }
    total += lanes_f64(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    total += v * v; // exact: a float32 squared fits a float64 significand
  }
  return <f32>total;
}

/**
 * idx[i] = arg max_j x[i,j] as a float, for M rows of N. The first maximum wins; NaN never wins; a
 * row with no number (all NaN, or N = 0) gives 0. Scalar: N is a class count, and this runs once per
 * batch for the accuracy metric.
 */
export function row_argmax(idx: usize, x: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    const row = x + (<usize>i * <usize>N << 2);
    let best = -1;
    let bestValue: f32 = 0;
    for (let j = 0; j < N; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      // the first non-NaN value is taken even if it is −Infinity; NaN fails both tests
      if (v > bestValue || (best < 0 && v == v)) {
        best = j;
        bestValue = v;
      }
    }
    store<f32>(idx + (<usize>i << 2), <f32>max(best, 0));
  }
}

/** Sum of the four lanes in float64 (each lane is a float32 partial, exact in float64). */
// @ts-ignore: decorator
@inline export function lanes_f64(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}
