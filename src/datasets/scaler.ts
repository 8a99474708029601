// Standardisation with the training rows' statistics only (test rows must not leak into them), as
// scikit-learn's StandardScaler: a scaler object that transforms any later data the same way.

import type { Matrix } from '../matrix.js';
import type { MatrixLike, Table } from '../train/data.js';
import { checkOptionKeys, describe, SinewError } from '../errors.js';
import { readTable } from '../train/data.js';
import { valueAt } from './read.js';

/** Per-column mean and standard deviation of some training data, applied to any data of that width. */
export class StandardScaler {
  /** Column means (float64). */
  readonly mean: Float64Array;
  /** Column standard deviations (population, as scikit-learn; 1 for a constant column, which is only centred). */
  readonly std: Float64Array;

  /** A scaler from saved statistics: `new StandardScaler(JSON.parse(text))` restores `JSON.stringify(scaler)`. */
  constructor(stats: { mean: ArrayLike<number>; std: ArrayLike<number> }) {
    const owner = 'StandardScaler';
    if (stats === null || typeof stats !== 'object') throw new SinewError(`${owner}: expected an options object { mean, std }, received ${describe(stats)}`);
    checkOptionKeys(owner, stats, ['mean', 'std']);
    const read = (arg: 'mean' | 'std', v: unknown): Float64Array => {
      const list = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
      const values = list ? Array.from(v as ArrayLike<unknown>) : [];
      const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && (arg === 'mean' || x > 0);
      if (values.length === 0 || !values.every(ok)) {
        const what = arg === 'mean' ? 'finite numbers' : 'numbers > 0';
        throw new SinewError(`${owner}: expected \`${arg}\` to be a non-empty array of ${what}, received ${describe(v)}`);
      }
      return Float64Array.from(values as number[]);
    };
    this.mean = read('mean', stats.mean);
    this.std = read('std', stats.std);
    if (this.std.length !== this.mean.length) throw new SinewError(`${owner}: expected \`std\` to have ${this.mean.length} values (as \`mean\`), received ${this.std.length}`);
  }

  /** Learns the column statistics of `x` (number[][], deeper nested arrays or { data, shape }). */
  static fit(x: MatrixLike): StandardScaler {
    return fitTable(readTable('StandardScaler.fit', 'x', x));
  }

  /** (x − mean) / std per column, as { data, shape } with x's shape. */
  transform(x: MatrixLike): Matrix {
    return applyScaler(this, 'StandardScaler.transform', 'x', readTable('StandardScaler.transform', 'x', x), false);
  }

  /** x · std + mean per column: back to the original units (predictions of a standardised target). */
  inverseTransform(x: MatrixLike): Matrix {
    return applyScaler(this, 'StandardScaler.inverseTransform', 'x', readTable('StandardScaler.inverseTransform', 'x', x), true);
  }

  toJSON(): { mean: number[]; std: number[] } {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }
}

function applyScaler(scaler: StandardScaler, owner: string, arg: string, t: Table, inverse: boolean): Matrix {
  const { mean, std } = scaler;
  const d = mean.length;
  if (t.cols !== d) throw new SinewError(`${owner}: expected \`${arg}\` to have ${d} columns (as the data the scaler was fitted on), received ${t.cols}`);
  const out = new Float32Array(t.rows * d);
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = valueAt(t, i, j);
      out[i * d + j] = inverse ? v * std[j] + mean[j] : (v - mean[j]) / std[j];
    }
  }
  return { data: out, shape: [t.rows, ...t.sampleShape] as Matrix['shape'] };
}

function fitTable(t: Table): StandardScaler {
  const [n, d] = [t.rows, t.cols];
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  // Summed in this order (v / n added row by row) so that results match earlier releases bit for bit.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += valueAt(t, i, j) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (valueAt(t, i, j) - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  return new StandardScaler({ mean, std });
}

export interface Standardized {
  /** The training rows, standardised. */
  train: Matrix;
  /** The statistics of the training rows, to transform later data (validation, new samples) the same way. */
  scaler: StandardScaler;
}

/**
 * Standardises columns to mean 0 and standard deviation 1 with the statistics of `train` only, and
 * applies the same transform to `test` when given: `const { train, test, scaler } = standardize(xTrain, xTest)`.
 */
export function standardize(train: MatrixLike): Standardized;
export function standardize(train: MatrixLike, test: MatrixLike): Standardized & { test: Matrix };
export function standardize(train: MatrixLike, test?: MatrixLike): Standardized & { test?: Matrix } {
  if (arguments.length > 2) {
    throw new SinewError(`standardize: expected at most 2 arguments (train, test), received ${arguments.length}; transform further data with the returned \`scaler.transform(x)\``);
  }
  const t = readTable('standardize', 'train', train);
  const testTable = test === undefined ? undefined : readTable('standardize', 'test', test);
  const scaler = fitTable(t);
  const result: Standardized & { test?: Matrix } = { train: applyScaler(scaler, 'standardize', 'train', t, false), scaler };
  if (testTable) result.test = applyScaler(scaler, 'standardize', 'test', testTable, false);
  return result;
}
