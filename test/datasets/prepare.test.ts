// toOneHot and takeRows: every data form fit accepts, and a SinewError in the library's voice for
// every input they cannot use (the earlier versions threw a TypeError or padded with zeros).

import { describe, expect, it } from 'vitest';
import { loadIris, takeRows, toOneHot } from '../../src/datasets/index.js';
import { expectError } from './expect_error.js';

describe('toOneHot', () => {
  it('writes a single 1 per row at the class id, from every form of class ids', () => {
    const expected = [0, 0, 1, 1, 0, 0, 0, 1, 0];
    for (const ids of [[2, 0, 1], Float32Array.of(2, 0, 1), [[2], [0], [1]], { data: Float32Array.of(2, 0, 1), shape: [3, 1] }, { data: [2, 0, 1], shape: [3, 1] }]) {
      const oh = toOneHot(ids, 3);
      expect(oh.shape).toEqual([3, 3]);
      expect(oh.data).toBeInstanceOf(Float32Array);
      expect(Array.from(oh.data)).toEqual(expected);
    }
    expect(Array.from(toOneHot([0, 1, 2], 3).data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(toOneHot(loadIris().y, 3).shape).toEqual([150, 3]);
    expect(Array.from(toOneHot([0], 1).data)).toEqual([1]);
  });

  it('refuses ids that are not integers in [0, classes − 1]', () => {
    expectError(() => toOneHot([0, 1.5], 3), 'toOneHot: expected `ids` to hold integers in [0, 2] (class ids for 3 classes), received 1.5 at row 1');
    expectError(() => toOneHot([3], 3), 'toOneHot: expected `ids` to hold integers in [0, 2] (class ids for 3 classes), received 3 at row 0');
    expectError(() => toOneHot({ data: Float32Array.of(0, -1), shape: [2, 1] }, 3), 'toOneHot: expected `ids` to hold integers in [0, 2] (class ids for 3 classes), received -1 at row 1');
    expectError(() => toOneHot([[1], [2]], 2), 'toOneHot: expected `ids` to hold integers in [0, 1] (class ids for 2 classes), received 2 at row 1');
  });

  it('refuses a class count that is not a positive integer', () => {
    expectError(() => toOneHot([0], 2.5), 'toOneHot: expected `classes` to be a positive integer, received 2.5');
    expectError(() => toOneHot([0], 0), 'toOneHot: expected `classes` to be a positive integer, received 0');
    expectError(() => toOneHot([0], '3' as never), "toOneHot: expected `classes` to be a positive integer, received '3'");
    expectError(() => (toOneHot as (ids: unknown) => unknown)([0]), 'toOneHot: expected `classes` to be a positive integer, received undefined');
  });

  it('refuses ids of the wrong type or shape as fit would', () => {
    expectError(() => toOneHot([0, NaN], 3), 'toOneHot: expected `ids` to hold finite numbers, received NaN at row 1');
    expectError(() => toOneHot([0, '1'] as never, 3), "toOneHot: expected `ids` to hold finite numbers, received '1' at row 1");
    expectError(() => toOneHot([[0, 1], [1, 0]], 2), 'toOneHot: expected `ids` to be class ids (number[] or [n, 1]), received 2 values per row');
    expectError(() => toOneHot([], 3), 'toOneHot: expected `ids` to have at least one row, received an empty array');
    expectError(() => toOneHot('012' as never, 3), "toOneHot: expected `ids` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received '012'");
    expectError(() => toOneHot(undefined as never, 3), 'toOneHot: expected `ids` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received undefined');
    expectError(() => toOneHot({ data: [0, 1], shape: [3, 1] }, 2), 'toOneHot: expected `ids.data` to hold rows·columns = 3 numbers for shape [3, 1], received [0, 1]');
  });
});

describe('takeRows', () => {
  const m = { data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] as [number, number] };

  it('takes rows in the given order (repeats allowed) from every data form, keeping the sample shape', () => {
    expect(takeRows(m, [2, 0, 2])).toEqual({ data: Float32Array.of(5, 6, 1, 2, 5, 6), shape: [3, 2] });
    expect(takeRows([[1, 2], [3, 4], [5, 6]], Int32Array.of(1))).toEqual({ data: Float32Array.of(3, 4), shape: [1, 2] });
    const images = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]];
    expect(takeRows(images, [1])).toEqual({ data: Float32Array.of(5, 6, 7, 8), shape: [1, 2, 2] });
    expect(takeRows({ data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), shape: [2, 2, 2] }, [1, 0]).shape).toEqual([2, 2, 2]);
    expect(takeRows([7, 8, 9], [2, 1])).toEqual({ data: Float32Array.of(9, 8), shape: [2, 1] }); // a flat array is one value per row
    expect(takeRows(m, [])).toEqual({ data: new Float32Array(0), shape: [0, 2] });
  });

  it('refuses row indices that are out of range or not integers (it used to pad with zeros)', () => {
    expectError(() => takeRows(m, [3]), 'takeRows: expected `rows` to hold integer row indices in [0, 2], received 3 at position 0');
    expectError(() => takeRows(m, [0, -1]), 'takeRows: expected `rows` to hold integer row indices in [0, 2], received -1 at position 1');
    expectError(() => takeRows(m, [0.5]), 'takeRows: expected `rows` to hold integer row indices in [0, 2], received 0.5 at position 0');
    expectError(() => takeRows(m, [NaN]), 'takeRows: expected `rows` to hold integer row indices in [0, 2], received NaN at position 0');
    expectError(() => takeRows(m, ['1'] as never), "takeRows: expected `rows` to hold integer row indices in [0, 2], received '1' at position 0");
    expectError(() => takeRows(m, 2 as never), 'takeRows: expected `rows` to be an array of row indices, received 2');
    expectError(() => takeRows(m, undefined as never), 'takeRows: expected `rows` to be an array of row indices, received undefined');
  });

  it('refuses data fit would refuse', () => {
    expectError(() => takeRows([[1, 2], [3]], [0]), 'takeRows: expected every row of `x` to have 2 values (as row 0), received [3] at row 1');
    expectError(() => takeRows({ data: [1, Infinity], shape: [2, 1] }, [0]), 'takeRows: expected `x` to hold finite numbers, received Infinity at row 1, column 0');
    expectError(() => takeRows(null as never, [0]), 'takeRows: expected `x` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received null');
  });
});
