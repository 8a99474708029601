// The helpers read data exactly as fit does (train/data.ts: nested arrays of any depth or
// { data, shape }, finite in float32) and always hand back a row-major float32 Matrix.

import type { Matrix } from '../matrix.js';
import { describe, SinewError } from '../errors.js';
import { copyRows, readTable, readTargets, type Table } from '../train/data.js';

function isFlat(v: unknown): v is ArrayLike<number> {
  const list = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!list) return false;
  const first = (v as ArrayLike<unknown>)[0];
  return (v as ArrayLike<unknown>).length > 0 && !Array.isArray(first) && !ArrayBuffer.isView(first);
}

/**
 * Targets as fit reads them: a flat array is one value per row, anything else reads as x does.
 * With `rows`, the row count must match x's.
 */
export function readColumnOrTable(owner: string, arg: string, value: unknown, rows?: number): Table {
  if (isFlat(value)) return readTargets(owner, arg, value, 'mse', 1, rows ?? value.length);
  const t = readTable(owner, arg, value);
  if (rows !== undefined && t.rows !== rows) throw new SinewError(`${owner}: expected \`${arg}\` to have as many rows as x (${rows}), received ${t.rows}`);
  return t;
}

/** Entry (row i, column j) of a table, as the user gave it (not yet rounded to float32). */
export function valueAt(t: Table, i: number, j: number): number {
  return t.flat ? t.flat[i * t.cols + j] : t.nested![i][j];
}

/** The rows of `t` in the order of `rows` (already checked), as a Matrix keeping the sample shape. */
export function gather(t: Table, rows: ArrayLike<number>): Matrix {
  const out = new Float32Array(rows.length * t.cols);
  for (let i = 0; i < rows.length; i++) copyRows(t, out, i * t.cols, rows[i], 1);
  return { data: out, shape: [rows.length, ...t.sampleShape] as Matrix['shape'] };
}

/** Throws unless `rows` is a list of integer row indices in [0, count). */
export function checkRowIndices(owner: string, arg: string, rows: unknown, count: number): ArrayLike<number> {
  if (!Array.isArray(rows) && !(ArrayBuffer.isView(rows) && !(rows instanceof DataView))) {
    throw new SinewError(`${owner}: expected \`${arg}\` to be an array of row indices, received ${describe(rows)}`);
  }
  const list = rows as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= count) {
      throw new SinewError(`${owner}: expected \`${arg}\` to hold integer row indices in [0, ${count - 1}], received ${describe(r)} at position ${i}`);
    }
  }
  return list as ArrayLike<number>;
}
