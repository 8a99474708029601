// standardize and StandardScaler: named results ({ train, test, scaler }), training statistics only,
// every data form fit accepts, the same bits as earlier releases, and SinewErrors for what they refuse.

import { describe, expect, it } from 'vitest';
import { loadIris, standardize, StandardScaler } from '../../src/datasets/index.js';
import { expectError } from './expect_error.js';

const train = { data: Float32Array.of(1, 10, 3, 10), shape: [2, 2] as [number, number] };
const test = { data: Float32Array.of(5, 10), shape: [1, 2] as [number, number] };

describe('standardize', () => {
  it('uses the training statistics for train and test and returns them as a scaler', () => {
    const s = standardize(train, test);
    expect(Array.from(s.train.data)).toEqual([-1, 0, 1, 0]); // column 2 is constant: centred, not scaled
    expect(Array.from(s.test.data)).toEqual([3, 0]); // (5 − 2) / 1
    expect(Array.from(s.scaler.mean)).toEqual([2, 10]);
    expect(Array.from(s.scaler.std)).toEqual([1, 1]);
    expect(s.scaler.transform(test)).toEqual(s.test);
    expect(s.scaler.transform([[5, 10]])).toEqual(s.test);
  });

  it('with one argument returns train and scaler only', () => {
    const s = standardize([[1], [3]]);
    expect(s.train).toEqual({ data: Float32Array.of(-1, 1), shape: [2, 1] });
    expect('test' in s).toBe(false);
    expect(standardize([[1], [3]], undefined as never)).toEqual(s);
  });

  it('reads every data form fit accepts and keeps the sample shape', () => {
    const nested = [[[0, 2], [4, 6]], [[2, 4], [6, 8]]];
    const a = standardize(nested, [[[1, 3], [5, 7]]]);
    expect(a.train).toEqual({ data: Float32Array.of(-1, -1, -1, -1, 1, 1, 1, 1), shape: [2, 2, 2] });
    expect(a.test).toEqual({ data: Float32Array.of(0, 0, 0, 0), shape: [1, 2, 2] });
    const b = standardize({ data: Float32Array.from(nested.flat(2)), shape: [2, 2, 2] });
    expect(b.train).toEqual(a.train);
    expect(standardize({ data: [1, 10, 3, 10], shape: [2, 2] }, [[5, 10]]).test).toEqual(standardize(train, test).test);
  });

  it('gives the same bits as earlier releases (row-by-row float64 sums of v / n)', () => {
    const { x } = loadIris();
    const [n, d] = x.shape;
    const mean = new Float64Array(d);
    const std = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x.data[i * d + j] - mean[j]) ** 2 / n;
    for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
    const expected = x.data.map((v, k) => (v - mean[k % d]) / std[k % d]);
    const s = standardize(x);
    expect(s.train.data).toEqual(expected);
    expect(s.scaler.mean).toEqual(mean);
    expect(s.scaler.std).toEqual(std);
  });

  it('refuses more than two matrices, test data of another width and data fit would refuse', () => {
    expectError(
      () => (standardize as (...m: unknown[]) => unknown)(train, test, test),
      'standardize: expected at most 2 arguments (train, test), received 3; transform further data with the returned `scaler.transform(x)`',
    );
    expectError(() => standardize(train, [[1, 2, 3]]), 'standardize: expected `test` to have 2 columns (as the data the scaler was fitted on), received 3');
    expectError(() => standardize('x' as never), "standardize: expected `train` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received 'x'");
    expectError(() => standardize([[1], [NaN]]), 'standardize: expected `train` to hold finite numbers, received NaN at row 1, column 0');
    expectError(() => standardize([[1]], [[1e39]]), 'standardize: expected `test` to hold finite numbers (finite in float32: at most 3.4e38 in magnitude), received 1e+39 at row 0, column 0');
  });
});

describe('StandardScaler', () => {
  it('fits, transforms, inverts, and survives JSON', () => {
    const scaler = StandardScaler.fit([[1, 10], [3, 30]]);
    expect(Array.from(scaler.mean)).toEqual([2, 20]);
    expect(Array.from(scaler.std)).toEqual([1, 10]);
    const z = scaler.transform([[2, 40]]);
    expect(z).toEqual({ data: Float32Array.of(0, 2), shape: [1, 2] });
    expect(scaler.inverseTransform(z)).toEqual({ data: Float32Array.of(2, 40), shape: [1, 2] });
    const again = new StandardScaler(JSON.parse(JSON.stringify(scaler)));
    expect(again.transform([[2, 40]])).toEqual(z);
    expect(JSON.parse(JSON.stringify(scaler))).toEqual({ mean: [2, 20], std: [1, 10] });
  });

  it('refuses data of another width and statistics it cannot use', () => {
    const scaler = StandardScaler.fit([[1, 10], [3, 30]]);
    expectError(() => scaler.transform([[1]]), 'StandardScaler.transform: expected `x` to have 2 columns (as the data the scaler was fitted on), received 1');
    expectError(() => scaler.inverseTransform({ data: [1, 2, 3], shape: [1, 3] }), 'StandardScaler.inverseTransform: expected `x` to have 2 columns (as the data the scaler was fitted on), received 3');
    expectError(() => StandardScaler.fit([]), 'StandardScaler.fit: expected `x` to have at least one row, received an empty array');
    expectError(() => new StandardScaler({ mean: [0], std: [0] }), 'StandardScaler: expected `std` to be a non-empty array of numbers > 0, received [0]');
    expectError(() => new StandardScaler({ mean: [NaN], std: [1] }), 'StandardScaler: expected `mean` to be a non-empty array of finite numbers, received [NaN]');
    expectError(() => new StandardScaler({ mean: [], std: [] }), 'StandardScaler: expected `mean` to be a non-empty array of finite numbers, received []');
    expectError(() => new StandardScaler({ mean: 0 as never, std: [1] }), 'StandardScaler: expected `mean` to be a non-empty array of finite numbers, received 0');
    expectError(() => new StandardScaler({ mean: [0, 1], std: [1] }), 'StandardScaler: expected `std` to have 2 values (as `mean`), received 1');
    expectError(() => new StandardScaler({ mean: [0], std: [1], scale: [1] } as never), 'StandardScaler: unknown option `scale` Known: mean, std');
    expectError(() => new StandardScaler(undefined as never), 'StandardScaler: expected an options object { mean, std }, received undefined');
  });
});
