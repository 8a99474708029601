// Weight regularizers: l1(λ), l2(λ), l1l2({ l1, l2 }). Each adds λ1·Σ|w| + λ2·Σw² to the loss (as
// Keras does) and λ1·sign(w) + 2·λ2·w to the gradient, through the l1l2_value / l1l2_backward kernels.

import { checkNumber, checkOptionKeys, describe, SinewError } from './errors.js';

/** A regularizer: the two coefficients the l1l2 kernels take. */
export interface Regularizer {
  readonly l1: number;
  readonly l2: number;
}

// Keras defaults: L1(l1=0.01), L2(l2=0.01), L1L2(l1=0.0, l2=0.0).
const DEFAULT = 0.01;

function coefficient(owner: string, arg: string, value: number | { [k: string]: number | undefined } | undefined, key: string): number {
  if (value === undefined) return DEFAULT;
  if (typeof value === 'object' && value !== null) {
    checkOptionKeys(owner, value, [key]);
    return value[key] === undefined ? DEFAULT : checkNumber(owner, arg, value[key], { min: 0 });
  }
  return checkNumber(owner, arg, value, { min: 0 });
}

/** L1 penalty λ·Σ|w|. Accepts `l1(0.01)` (Keras) or `l1({ l1: 0.01 })` (TF.js). */
export function l1(lambda?: number | { l1?: number }): Regularizer {
  return { l1: coefficient('l1', 'l1', lambda, 'l1'), l2: 0 };
}

/** L2 penalty λ·Σw². Accepts `l2(0.01)` (Keras) or `l2({ l2: 0.01 })` (TF.js). */
export function l2(lambda?: number | { l2?: number }): Regularizer {
  return { l1: 0, l2: coefficient('l2', 'l2', lambda, 'l2') };
}

/** Both penalties, `l1l2({ l1: 0.01, l2: 0.01 })`; missing coefficients are 0 as in Keras. */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  checkOptionKeys('l1l2', options, ['l1', 'l2']);
  return {
    l1: options.l1 === undefined ? 0 : checkNumber('l1l2', 'l1', options.l1, { min: 0 }),
    l2: options.l2 === undefined ? 0 : checkNumber('l1l2', 'l2', options.l2, { min: 0 }),
  };
}

/** Validates a user-given regularizer option (or undefined). */
export function checkRegularizer(owner: string, arg: string, r: unknown): Regularizer | undefined {
  if (r === undefined || r === null) return undefined;
  const ok = typeof r === 'object' && typeof (r as Regularizer).l1 === 'number' && typeof (r as Regularizer).l2 === 'number';
  if (!ok || !((r as Regularizer).l1 >= 0 && (r as Regularizer).l2 >= 0 && Number.isFinite((r as Regularizer).l1) && Number.isFinite((r as Regularizer).l2))) {
    throw new SinewError(`${owner}: expected \`${arg}\` to be a regularizer such as l2(1e-4), received ${describe(r)}`);
  }
  return r as Regularizer;
}
