// Weight regularisation (Keras L1L2): the gradient term added into dw, and the penalty value added to
// the loss. Twin: src/backend/js/regularize.ts. The dense layer calls these on its kernel only.

import { SUM_BLOCK, lanes_f64 } from './reduce';

/**
 * dw[i] += l1·sign(w[i]) + 2·l2·w[i], sign(0) = 0; accumulates. dw must not alias w. The l2 term is
 * always computed (even for l2 = 0), so a NaN weight makes its gradient NaN instead of hiding.
 */
export function l1l2_backward(dw: usize, w: usize, n: i32, l1: f32, l2: f32): void {
  const twoL2: f32 = <f32>2 * l2;
  const vl1 = f32x4.splat(l1);
  const v2l2 = f32x4.splat(twoL2);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    // sign as (w > 0) − (w < 0): the comparison masks select 1.0 or +0.0
    const sign = f32x4.sub(v128.and(f32x4.gt(wv, zero), one), v128.and(f32x4.lt(wv, zero), one));
    const term = f32x4.add(f32x4.mul(vl1, sign), f32x4.mul(v2l2, wv));
    v128.store(dw + o, f32x4.add(v128.load(dw + o), term));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const ws = load<f32>(w + o);
    const sign: f32 = ws > 0 ? 1 : ws < 0 ? -1 : 0;
    store<f32>(dw + o, load<f32>(dw + o) + (l1 * sign + twoL2 * ws));
  }
}

/**
 * l1·Σ|w| + l2·Σw² over n elements, returned as float32. Both sums accumulate as sum_squares does
 * (float32 blocks of SUM_BLOCK into float64 totals, see reduce.ts).
 */
export function l1l2_value(w: usize, n: i32, l1: f32, l2: f32): f32 {
  let abs: f64 = 0;
  let sq: f64 = 0;
  let i = 0;
  const n8 = n & ~7;
  while (i < n8) {
    const end = min(i + SUM_BLOCK, n8);
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let s0 = a0;
    let s1 = a0;
    for (; i < end; i += 8) {
      const p = w + (<usize>i << 2);
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      a0 = f32x4.add(a0, f32x4.abs(x0));
      a1 = f32x4.add(a1, f32x4.abs(x1));
      s0 = f32x4.add(s0, f32x4.mul(x0, x0));
      s1 = f32x4.add(s1, f32x4.mul(x1, x1));
    }
    abs += lanes_f64(f32x4.add(a0, a1));
    sq += lanes_f64(f32x4.add(s0, s1));
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(w + (<usize>i << 2));
    abs += Math.abs(v);
    sq += v * v;
  }
  return <f32>(<f64>l1 * abs + <f64>l2 * sq);
}
