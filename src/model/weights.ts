// Reading weight tensors given to setWeights: { data, shape } objects (what getWeights returns) or
// nested arrays (number[][] for a kernel, number[] for a bias), checked for shape and finiteness.

import { describe, SinewError } from '../errors.js';
import { shapeSize as tensorSize } from '../layers/layer.js';

/** A tensor as setWeights takes it. */
export type WeightInput = { data: ArrayLike<number>; shape: readonly number[] } | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Checks one tensor given to setWeights against its shape and returns its values, row-major. */
export function readWeightTensor(w: WeightInput, shape: readonly number[], what: string, owner = 'setWeights'): Float64Array {
  const n = tensorSize(shape);
  const out = new Float64Array(n);
  const want = `[${shape.join(', ')}]`;
  if (w !== null && typeof w === 'object' && 'shape' in w && 'data' in w) {
    const got = Array.from(w.shape);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i]) || w.data.length !== n) {
      throw new SinewError(`${owner}: expected ${what} to have shape ${want}, received shape [${got.join(', ')}] with ${w.data.length} values`);
    }
    for (let i = 0; i < n; i++) out[i] = element(w.data[i], i, what, owner);
  } else if (shape.length === 1 && isList(w) && (w.length === 0 || !isList((w as ArrayLike<unknown>)[0]))) {
    if (w.length !== shape[0]) throw new SinewError(`${owner}: expected ${what} to have shape ${want}, received ${w.length} values`);
    for (let i = 0; i < n; i++) out[i] = element((w as ArrayLike<unknown>)[i], i, what, owner);
  } else if (shape.length === 2 && isList(w) && w.length > 0 && isList((w as ArrayLike<unknown>)[0])) {
    const rows = w as ArrayLike<ArrayLike<number>>;
    if (rows.length !== shape[0] || Array.from(rows).some((r) => r.length !== shape[1])) {
      throw new SinewError(`${owner}: expected ${what} to have shape ${want}, received ${rows.length} rows of ${Array.from(rows).map((r) => r.length).join('/')} values`);
    }
    for (let i = 0; i < shape[0]; i++) for (let j = 0; j < shape[1]; j++) out[i * shape[1] + j] = element((rows[i] as ArrayLike<unknown>)[j], i * shape[1] + j, what, owner);
  } else {
    throw new SinewError(`${owner}: expected ${what} to be { data, shape: ${want} } or nested arrays of that shape, received ${describe(w)}`);
  }
  return out;
}

/**
 * One value: a number that is finite in float32 (the weights' type). Strings, booleans, null and
 * dates are refused, not converted, as fit and predict refuse them.
 */
function element(v: unknown, i: number, what: string, owner: string): number {
  if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
    const why = typeof v === 'number' && Number.isFinite(v) ? ' (finite in float32: at most 3.4e38 in magnitude)' : '';
    throw new SinewError(`${owner}: expected ${what} to hold finite numbers${why}, received ${describe(v)} at index ${i}`);
  }
  return v;
}

function isList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}
