// Counting subnormal floats (0 < |v| < 2^-126) in kernel outputs, for the flush-to-zero tests
// (test/kernels/subnormal.*.test.ts, test/train/subnormal.test.ts). Counted, never timed: the
// counts are the same on every CPU.

import { expect } from 'vitest';
import { NORMAL_MIN } from '../../src/backend/js/flush.js';
import type { Twin, Buf } from './twin.js';

/** Values v with 0 < |v| < 2^-126. */
export function countSubnormal(values: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a !== 0 && a < NORMAL_MIN) c++;
  }
  return c;
}

/** Values v with 0 < |v| < t. */
export function countBelow(values: ArrayLike<number>, t: number): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a !== 0 && a < t) c++;
  }
  return c;
}

/**
 * On every backend of `t`: no subnormal in `buf`, and ±0 wherever |exact[i]| < 2^-126·(1 − margin)
 * (exact: the float64 value of the kernel's formula; the margin absorbs the kernel's own rounding or
 * approximation error right at the boundary). Returns how many had to be 0 with an exact value ≠ 0.
 */
export function expectFlushed(t: Twin, buf: Buf, exact: ArrayLike<number>, what: string, margin = 2 ** -20): number {
  let zeros = 0;
  t.read(buf).forEach((got, k) => {
    const name = t.backends[k].name;
    expect(countSubnormal(got), `${what}: subnormal outputs on ${name}`).toBe(0);
    let wrong = '';
    zeros = 0;
    for (let i = 0; i < got.length; i++) {
      if (!(Math.abs(exact[i]) < NORMAL_MIN * (1 - margin))) continue;
      if (exact[i] !== 0) zeros++;
      if (got[i] !== 0 && !wrong) wrong = `element ${i} is ${got[i]} (exact ${exact[i]})`;
    }
    expect(wrong, `${what} on ${name}: a result below 2^-126 is not 0`).toBe('');
  });
  return zeros;
}
