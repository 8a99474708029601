// One-hot labels and row selection, reading their inputs as fit does.

import type { Matrix } from '../matrix.js';
import type { TargetLike } from '../train/data.js';
import { checkInteger, describe, SinewError } from '../errors.js';
import { checkRowIndices, gather, readColumnOrTable, valueAt } from './read.js';

/**
 * Class ids (number[], a typed array, [n, 1] rows or { data, shape: [n, 1] }) → one-hot rows
 * { data, shape: [n, classes] }. Every id must be an integer in [0, classes − 1].
 */
export function toOneHot(ids: TargetLike, classes: number): Matrix {
  checkInteger('toOneHot', 'classes', classes);
  const t = readColumnOrTable('toOneHot', 'ids', ids);
  if (t.cols !== 1) throw new SinewError(`toOneHot: expected \`ids\` to be class ids (number[] or [n, 1]), received ${t.cols} values per row`);
  const out = new Float32Array(t.rows * classes);
  for (let i = 0; i < t.rows; i++) {
    const c = valueAt(t, i, 0);
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new SinewError(`toOneHot: expected \`ids\` to hold integers in [0, ${classes - 1}] (class ids for ${classes} classes), received ${describe(c)} at row ${i}`);
    }
    out[i * classes + c] = 1;
  }
  return { data: out, shape: [t.rows, classes] };
}

/** The rows of `x` in the order of `rows` (integer indices in [0, rows of x)), as { data, shape }. */
export function takeRows(x: TargetLike, rows: ArrayLike<number>): Matrix {
  const t = readColumnOrTable('takeRows', 'x', x);
  return gather(t, checkRowIndices('takeRows', 'rows', rows, t.rows));
}
