// Input conversion and validation for fit/evaluate/predict: x as nested arrays (number[][], or deeper
// for samples of rank > 1) or { data, shape: [n, …dims] }; y as one-hot/0-1 rows, [n, 1] columns or a
// flat number[] (class ids for the sparse loss, or one output). Everything is checked once, before
// any state changes; copying into the arena comes after. A sample of any rank is one row of
// Π dims floats: the model sees row-major samples.

import type { Matrix } from '../matrix.js';
import type { FloatHeap } from '../memory/arena.js';
import type { LossKind } from '../losses.js';
import { describe, SinewError } from '../errors.js';

/** Nested arrays of numbers, any depth (samples of rank > 1). */
export interface NestedNumbers extends ArrayLike<number | NestedNumbers> {}
/** What users may pass as a data set: nested rows (deeper for samples of rank > 1), or a row-major { data, shape }. */
export type MatrixLike = Matrix | { data: ArrayLike<number>; shape: readonly number[] } | ArrayLike<ArrayLike<number>> | ArrayLike<NestedNumbers>;
/** Targets: like x, or a flat array (class ids, or one value per row for a one-unit output). */
export type TargetLike = MatrixLike | ArrayLike<number>;

/** A validated view of user data: either a flat row-major array or nested rows. */
export interface Table {
  readonly rows: number;
  /** Floats per sample: Π sampleShape. */
  readonly cols: number;
  /** The shape of one sample ([cols] for rows of numbers). */
  readonly sampleShape: readonly number[];
  readonly flat?: ArrayLike<number>;
  readonly nested?: ArrayLike<ArrayLike<number>>;
}

function isMatrixLike(v: unknown): v is { data: ArrayLike<number>; shape: readonly number[] } {
  return typeof v === 'object' && v !== null && 'data' in v && 'shape' in v;
}

function at(t: Table, i: number, j: number): number {
  return t.flat ? t.flat[i * t.cols + j] : t.nested![i][j];
}

/** Converts `value` to a Table, checking shape and that every entry is a finite number. */
export function readTable(owner: string, arg: string, value: unknown): Table {
  let table: Table;
  if (isMatrixLike(value)) {
    const { data, shape } = value;
    if (!Array.isArray(shape) || shape.length < 2 || shape.length > 9 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SinewError(`${owner}: expected \`${arg}.shape\` to be [rows, columns] or [rows, …sample shape], received ${describe(shape)}`);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (!data || typeof data.length !== 'number' || data.length !== size) {
      const count = shape.length === 2 ? `rows·columns = ${size}` : `${size}`;
      throw new SinewError(`${owner}: expected \`${arg}.data\` to hold ${count} numbers for shape [${shape.join(', ')}], received ${describe(data)}`);
    }
    table = { rows: shape[0], cols: shape.slice(1).reduce((a: number, b: number) => a * b, 1), sampleShape: shape.slice(1), flat: data };
  } else if (isArrayLike(value) && value.length > 0 && isArrayLike(value[0])) {
    const rows = value as ArrayLike<ArrayLike<unknown>>;
    if (rows[0].length > 0 && isArrayLike(rows[0][0])) {
      table = readNested(owner, arg, rows);
    } else {
      const cols = rows[0].length;
      for (let i = 0; i < rows.length; i++) {
        if (!isArrayLike(rows[i]) || rows[i].length !== cols) {
          throw new SinewError(`${owner}: expected every row of \`${arg}\` to have ${cols} values (as row 0), received ${describe(rows[i])} at row ${i}`);
        }
      }
      table = { rows: rows.length, cols, sampleShape: [cols], nested: rows as ArrayLike<ArrayLike<number>> };
    }
  } else if (isArrayLike(value) && value.length === 0) {
    throw new SinewError(`${owner}: expected \`${arg}\` to have at least one row, received an empty array`);
  } else {
    throw new SinewError(`${owner}: expected \`${arg}\` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received ${describe(value)}`);
  }
  if (table.rows === 0 || table.cols === 0) throw new SinewError(`${owner}: expected \`${arg}\` to be non-empty, received shape [${table.rows}, ${table.sampleShape.join(', ')}]`);
  checkFinite(owner, arg, table);
  return table;
}

/** Nested arrays of depth > 2 (samples of rank > 1): shape from the first sample, every sample checked, flattened. */
function readNested(owner: string, arg: string, rows: ArrayLike<ArrayLike<unknown>>): Table {
  const sampleShape: number[] = [];
  for (let v: unknown = rows[0]; isArrayLike(v); v = (v as ArrayLike<unknown>)[0]) {
    sampleShape.push((v as ArrayLike<unknown>).length);
    if (sampleShape.length > 8) throw new SinewError(`${owner}: expected \`${arg}\` to nest at most 9 levels deep`);
    if ((v as ArrayLike<unknown>).length === 0) break;
  }
  const cols = sampleShape.reduce((a, b) => a * b, 1);
  const flat = new Float64Array(rows.length * cols);
  let at = 0;
  const walk = (v: unknown, depth: number, where: string): void => {
    if (depth === sampleShape.length) {
      flat[at++] = typeof v === 'number' ? v : NaN;
      if (typeof v !== 'number') throw new SinewError(`${owner}: expected \`${arg}\` to hold finite numbers, received ${describe(v)} at ${where}`);
      return;
    }
    if (!isArrayLike(v) || v.length !== sampleShape[depth]) {
      throw new SinewError(`${owner}: expected \`${arg}\`${where} to be an array of ${sampleShape[depth]} (samples of shape [${sampleShape.join(', ')}], as sample 0), received ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${where}[${i}]`);
  };
  for (let i = 0; i < rows.length; i++) walk(rows[i], 0, `[${i}]`);
  return { rows: rows.length, cols, sampleShape, flat };
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** The model computes in float32: a value beyond its range (|v| > 3.4e38) would become Infinity there. */
const f32 = Math.fround;

function notFinite(owner: string, arg: string, v: unknown, at: string): SinewError {
  const why = typeof v === 'number' && Number.isFinite(v) ? ' (finite in float32: at most 3.4e38 in magnitude)' : '';
  return new SinewError(`${owner}: expected \`${arg}\` to hold finite numbers${why}, received ${describe(v)} at ${at}`);
}

function checkFinite(owner: string, arg: string, t: Table): void {
  const flat = t.flat;
  if (flat) {
    // Fast path: one pass over the flat storage; locate the culprit only when there is one.
    const bad = flat instanceof Float32Array ? firstNonFinite(flat) : flat instanceof Float64Array ? firstNonFinite32(flat) : firstNonFiniteAny(flat);
    if (bad < 0) return;
    throw notFinite(owner, arg, flat[bad], `row ${Math.floor(bad / t.cols)}, column ${bad % t.cols}`);
  }
  const rows = t.nested!;
  for (let i = 0; i < t.rows; i++) {
    const row = rows[i];
    for (let j = 0; j < t.cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || f32(v) - f32(v) !== 0) throw notFinite(owner, arg, v, `row ${i}, column ${j}`);
    }
  }
}

/**
 * Index of the first NaN/±Inf of a float array, or −1. v − v is +0 for finite v and NaN otherwise, so
 * the sum over all of them is 0 exactly when every value is finite: one branch-free pass (4 per step,
 * 2.5× the per-element test here), and the culprit is searched for only when there is one.
 */
function firstNonFinite(a: Float32Array | Float64Array): number {
  const n = a.length;
  let acc = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) acc += a[i] - a[i] + (a[i + 1] - a[i + 1]) + (a[i + 2] - a[i + 2]) + (a[i + 3] - a[i + 3]);
  for (; i < n; i++) acc += a[i] - a[i];
  if (acc === 0) return -1;
  for (i = 0; i < n; i++) if (a[i] - a[i] !== 0) return i;
  return -1;
}

/** The same for float64 values, finite after rounding to float32. */
function firstNonFinite32(a: Float64Array): number {
  const n = a.length;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += f32(a[i]) - f32(a[i]);
  if (acc === 0) return -1;
  for (let i = 0; i < n; i++) if (f32(a[i]) - f32(a[i]) !== 0) return i;
  return -1;
}

/** The same for any array-like: the first entry that is not a number finite in float32, or −1. */
function firstNonFiniteAny(a: ArrayLike<unknown>): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || f32(v) - f32(v) !== 0) return i;
  }
  return -1;
}

/**
 * Reads targets for a model with `units` outputs and the given loss: returns a Table whose width is
 * `units`, or 1 for the sparse loss (class ids, checked to be integers in [0, units)).
 */
export function readTargets(owner: string, arg: string, value: unknown, loss: LossKind, units: number, rows: number): Table {
  let t: Table;
  if (isArrayLike(value) && value.length > 0 && !isArrayLike(value[0])) {
    // A flat array: one value per row.
    const flat = value as ArrayLike<number>;
    t = { rows: flat.length, cols: 1, sampleShape: [1], flat };
    for (let i = 0; i < flat.length; i++) {
      if (typeof flat[i] !== 'number' || f32(flat[i]) - f32(flat[i]) !== 0) throw notFinite(owner, arg, flat[i], `row ${i}`);
    }
  } else {
    t = readTable(owner, arg, value);
  }
  if (t.rows !== rows) throw new SinewError(`${owner}: expected \`${arg}\` to have as many rows as x (${rows}), received ${t.rows}`);
  if (loss === 'sparseCce') {
    if (t.cols !== 1) throw new SinewError(`${owner}: sparseCategoricalCrossentropy expects \`${arg}\` to be class ids (number[] or [n, 1]), received ${t.cols} columns; for one-hot rows use categoricalCrossentropy`);
    for (let i = 0; i < t.rows; i++) {
      const c = at(t, i, 0);
      if (!Number.isInteger(c) || c < 0 || c >= units) {
        throw new SinewError(`${owner}: expected class ids in \`${arg}\` to be integers in [0, ${units - 1}] (the output has ${units} units), received ${c} at row ${i}`);
      }
    }
    return t;
  }
  if (t.cols !== units) {
    const hint = t.cols === 1 && (loss === 'cce' || loss === 'bce') && units > 1 ? '; for class ids use sparseCategoricalCrossentropy, or one-hot encode them (datasets.toOneHot)' : '';
    throw new SinewError(`${owner}: expected \`${arg}\` to have ${units} columns (the output units), received ${t.cols}${hint}`);
  }
  // Cross-entropies are defined for probabilities: a target of 5 or −3 gives a meaningless (even negative) loss.
  if (loss === 'bce' || loss === 'cce') {
    const name = loss === 'bce' ? 'binaryCrossentropy' : 'categoricalCrossentropy';
    for (let i = 0; i < t.rows; i++) {
      for (let j = 0; j < t.cols; j++) {
        const v = at(t, i, j);
        if (v < 0 || v > 1) throw new SinewError(`${owner}: ${name} expects \`${arg}\` in [0, 1], received ${v} at row ${i}, column ${j}`);
      }
    }
  }
  return t;
}

/** Copies rows [from, from + count) of `t` to the heap starting at float index `dst`. */
export function copyRows(t: Table, heap: FloatHeap, dst: number, from: number, count: number): void {
  if (t.flat) {
    const start = from * t.cols;
    const end = start + count * t.cols;
    const src = t.flat;
    if (ArrayBuffer.isView(src)) {
      heap.set((src as unknown as Float32Array).subarray(start, end), dst); // converts to the heap's float type
      return;
    }
    for (let s = start, d = dst; s < end; s++, d++) heap[d] = src[s];
    return;
  }
  const rows = t.nested!;
  let d = dst;
  for (let i = from; i < from + count; i++) {
    const row = rows[i];
    for (let j = 0; j < t.cols; j++) heap[d++] = row[j];
  }
}
