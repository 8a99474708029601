// Small helpers for what predict returns ({ data, shape } row-major): the class of each row, nested
// arrays, and the accuracy against labels, so a user need not write index loops. Checked like every
// entry point: a wrong shape or label is a SinewError naming it.

import { describe, SinewError } from './errors.js';
import type { Matrix } from './matrix.js';

type Rows = { data: ArrayLike<number>; shape: readonly number[] };

function checkRows(owner: string, arg: string, m: unknown): { n: number; k: number; data: ArrayLike<number>; shape: readonly number[] } {
  const r = m as Rows;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.shape) || r.shape.length < 2 || !r.data || r.data.length !== r.shape.reduce((a, b) => a * b, 1)) {
    throw new SinewError(`${owner}: expected \`${arg}\` to be { data, shape: [rows, columns, …] } as predict returns it, received ${describe(m)}`);
  }
  return { n: r.shape[0], k: r.data.length / Math.max(1, r.shape[0]), data: r.data, shape: r.shape };
}

/** The index of each row's largest value (the predicted class); the first wins ties. */
export function argMax(predictions: Matrix | Rows): number[] {
  const { n, k, data } = checkRows('argMax', 'predictions', predictions);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (data[i * k + j] > data[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** The values as nested arrays of the same shape ([n, 3] → number[][]; [n, 4, 5] → number[][][]). */
export function toArray(m: Matrix | Rows): unknown[] {
  const { data, shape } = checkRows('toArray', 'm', m);
  const build = (axis: number, offset: number): unknown[] => {
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[axis] }, (_, i) => (axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * stride)));
  };
  return build(0, 0);
}

/**
 * The share of rows whose predicted class is right. `labels`: class ids (number[] or [n, 1]), or
 * one-hot rows ([n, k], the class is each row's largest value). With one output column, a
 * probability ≥ 0.5 means class 1 (binary classification).
 */
export function accuracy(predictions: Matrix | Rows, labels: ArrayLike<number> | Matrix | Rows | ArrayLike<ArrayLike<number>>): number {
  const p = checkRows('accuracy', 'predictions', predictions);
  const ids = labelIds(labels, p.n, p.k);
  let hits = 0;
  if (p.k === 1) {
    for (let i = 0; i < p.n; i++) if (Number(p.data[i] >= 0.5) === ids[i]) hits++;
  } else {
    const predicted = argMax(predictions);
    for (let i = 0; i < p.n; i++) if (predicted[i] === ids[i]) hits++;
  }
  return hits / p.n;
}

function labelIds(labels: unknown, n: number, k: number): number[] {
  let ids: number[];
  if (labels !== null && typeof labels === 'object' && 'shape' in (labels as object) && 'data' in (labels as object)) {
    const l = checkRows('accuracy', 'labels', labels);
    ids = l.k === 1 ? Array.from(l.data as ArrayLike<number>) : argMax(labels as Rows);
  } else if (Array.isArray(labels) || ArrayBuffer.isView(labels)) {
    const list = labels as ArrayLike<unknown>;
    ids = Array.from(list, (v, i) => {
      if (Array.isArray(v)) return v.length === 1 ? Number(v[0]) : argMax({ data: v, shape: [1, v.length] })[0];
      if (typeof v !== 'number') throw new SinewError(`accuracy: expected \`labels\` to hold class ids or one-hot rows, received ${describe(v)} at row ${i}`);
      return v;
    });
  } else {
    throw new SinewError(`accuracy: expected \`labels\` to be class ids, [n, 1] or one-hot rows, received ${describe(labels)}`);
  }
  if (ids.length !== n) throw new SinewError(`accuracy: expected \`labels\` to have as many rows as \`predictions\` (${n}), received ${ids.length}`);
  ids.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= Math.max(2, k)) throw new SinewError(`accuracy: expected class ids in [0, ${Math.max(2, k) - 1}], received ${c} at row ${i}`);
  });
  return ids;
}
