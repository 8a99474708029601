// Small helpers every example needs: one-hot labels, a seeded train/test split, standardisation.

import type { Matrix } from '../matrix.js';
import { SinewError } from '../errors.js';

/** Class ids in a [n,1] matrix → one-hot rows [n, numClasses]. */
export function toOneHot(labels: Matrix, numClasses: number): Matrix {
  const [n, cols] = labels.shape;
  if (cols !== 1) throw new SinewError(`toOneHot: expected labels of shape [n, 1], received [${labels.shape}]`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new SinewError(`toOneHot: expected numClasses to be a positive integer, received ${numClasses}`);
  const out = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new SinewError(`toOneHot: expected labels to be integers in [0, ${numClasses - 1}], received ${c} at row ${i}`);
    out[i * numClasses + c] = 1;
  }
  return { data: out, shape: [n, numClasses] };
}

/** Rows of `m` in the order of `rows`. */
export function takeRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const width = m.shape[1];
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return { data: out, shape: [rows.length, width] };
}

export interface Split {
  xTrain: Matrix;
  yTrain: Matrix;
  xTest: Matrix;
  yTest: Matrix;
}

/** Shuffles rows with a seeded generator and holds out `testFraction` of them (default 0.2). */
export function trainTestSplit(x: Matrix, y: Matrix, options: { testFraction?: number; seed?: number } = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new SinewError(`trainTestSplit: x has ${n} rows but y has ${y.shape[0]}`);
  if (!(testFraction > 0 && testFraction < 1)) throw new SinewError(`trainTestSplit: expected testFraction in (0, 1), received ${testFraction}`);
  const order = Array.from({ length: n }, (_, i) => i);
  let s = (options.seed ?? 0) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    // xorshift32 on a nonzero state: enough to shuffle rows reproducibly.
    s = (s || 0x9e3779b9) >>> 0;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.max(1, Math.round(n * testFraction));
  const test = order.slice(0, nTest);
  const train = order.slice(nTest);
  return { xTrain: takeRows(x, train), yTrain: takeRows(y, train), xTest: takeRows(x, test), yTest: takeRows(y, test) };
}

/**
 * Standardises columns to mean 0, standard deviation 1 using the statistics of `train` only, and
 * applies the same transform to `others` (test data must not leak into the statistics).
 * Constant columns are left centred (divided by 1).
 */
export function standardize(train: Matrix, ...others: Matrix[]): { mean: Float64Array; std: Float64Array; train: Matrix; others: Matrix[] } {
  const [n, d] = train.shape;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += train.data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (train.data[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  const apply = (m: Matrix): Matrix => {
    if (m.shape[1] !== d) throw new SinewError(`standardize: expected ${d} columns, received ${m.shape[1]}`);
    const out = new Float32Array(m.data.length);
    for (let i = 0; i < m.shape[0]; i++) for (let j = 0; j < d; j++) out[i * d + j] = (m.data[i * d + j] - mean[j]) / std[j];
    return { data: out, shape: [m.shape[0], d] };
  };
  return { mean, std, train: apply(train), others: others.map(apply) };
}
