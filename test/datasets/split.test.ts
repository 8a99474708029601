// trainTestSplit: scikit-learn's options in sinew's spelling (testSize as a fraction or a row count,
// shuffle, seed, stratify), every data form fit accepts, the same rows as earlier releases for the
// same seed, and a SinewError for every option or input it cannot use.

import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/matrix.js';
import { loadBreastCancer, loadIris, toOneHot, trainTestSplit } from '../../src/datasets/index.js';
import { expectError } from './expect_error.js';

const n = 50;
const x = { data: Float32Array.from({ length: n }, (_, i) => i), shape: [n, 1] as [number, number] };
const counts = (y: Matrix, k: number) => Array.from({ length: k }, (_, c) => y.data.filter((v) => v === c).length);

describe('trainTestSplit', () => {
  it('is a seeded permutation: disjoint, complete, reproducible, different for another seed', () => {
    const a = trainTestSplit(x, x, { testSize: 0.2, seed: 7 });
    const b = trainTestSplit(x, x, { testSize: 0.2, seed: 7 });
    const c = trainTestSplit(x, x, { testSize: 0.2, seed: 8 });
    expect(a.xTest.shape).toEqual([10, 1]);
    expect(a.xTrain.shape).toEqual([40, 1]);
    expect([...a.xTrain.data, ...a.xTest.data].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Array.from(a.yTest.data)).toEqual(Array.from(a.xTest.data));
    expect(Array.from(b.xTest.data)).toEqual(Array.from(a.xTest.data));
    expect(Array.from(c.xTest.data)).not.toEqual(Array.from(a.xTest.data));
  });

  it('holds out the same rows as earlier releases (which called the option testFraction)', () => {
    expect(Array.from(trainTestSplit(x, x, { testSize: 0.2, seed: 7 }).xTest.data)).toEqual([49, 9, 30, 47, 40, 12, 8, 23, 10, 22]);
    expect(Array.from(trainTestSplit(x, x, { testFraction: 0.2, seed: 7 }).xTest.data)).toEqual([49, 9, 30, 47, 40, 12, 8, 23, 10, 22]);
    expect(Array.from(trainTestSplit(x, x).xTest.data)).toEqual([0, 31, 49, 13, 39, 27, 41, 22, 15, 10]); // defaults: 0.2, seed 0
  });

  it('takes testSize as a fraction or, when a whole number, as a row count', () => {
    expect(trainTestSplit(x, x, { testSize: 7 }).xTest.shape).toEqual([7, 1]);
    expect(trainTestSplit(x, x, { testSize: 1 }).xTest.shape).toEqual([1, 1]);
    expect(trainTestSplit(x, x, { testSize: 49 }).xTrain.shape).toEqual([1, 1]);
    expect(trainTestSplit(x, x, { testSize: 0.001 }).xTest.shape).toEqual([1, 1]); // at least one row
    expect(trainTestSplit(x, x, { testSize: 0.25 }).xTest.shape).toEqual([13, 1]); // 12.5 rounds to 13
  });

  it('with shuffle: false trains on the first rows and holds out the last ones, in order', () => {
    const s = trainTestSplit(x, x, { testSize: 5, shuffle: false });
    expect(Array.from(s.xTest.data)).toEqual([45, 46, 47, 48, 49]);
    expect(Array.from(s.xTrain.data)).toEqual(Array.from({ length: 45 }, (_, i) => i));
  });

  it('reads every data form fit accepts and keeps each sample shape', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i, -i]);
    const ids = Array.from({ length: 10 }, (_, i) => i % 2);
    const a = trainTestSplit(rows, ids, { testSize: 3, seed: 1 });
    expect(a.xTest.shape).toEqual([3, 2]);
    expect(a.yTest.shape).toEqual([3, 1]); // a flat array is one value per row
    for (let i = 0; i < 3; i++) expect(a.yTest.data[i]).toBe(a.xTest.data[2 * i] % 2);
    const images = Array.from({ length: 10 }, (_, i) => [[i, i], [i, i]]);
    const b = trainTestSplit(images, { data: Float32Array.from(ids), shape: [10, 1] }, { testSize: 3, seed: 1 });
    expect(b.xTrain.shape).toEqual([7, 2, 2]);
    expect(Array.from(b.xTest.data.filter((_, i) => i % 4 === 0))).toEqual(Array.from(a.xTest.data.filter((_, i) => i % 2 === 0)));
    const c = trainTestSplit({ data: Float32Array.from(images.flat(2)), shape: [10, 2, 2] }, toOneHot(ids, 2), { testSize: 3, seed: 1 });
    expect(c.xTest).toEqual(b.xTest);
    expect(c.yTest.shape).toEqual([3, 2]);
  });

  it('with stratify: true keeps each class share in both parts, from class ids or one-hot rows', () => {
    const iris = loadIris();
    const s = trainTestSplit(iris.x, iris.y, { testSize: 0.2, seed: 3, stratify: true });
    expect(counts(s.yTest, 3)).toEqual([10, 10, 10]);
    expect(counts(s.yTrain, 3)).toEqual([40, 40, 40]);
    const oneHot = trainTestSplit(iris.x, toOneHot(iris.y, 3), { testSize: 0.2, seed: 3, stratify: true });
    expect(oneHot.xTest).toEqual(s.xTest);
    expect(trainTestSplit(iris.x, Array.from(iris.y.data), { testSize: 0.2, seed: 3, stratify: true }).xTest).toEqual(s.xTest);
    // Unbalanced: 212 malignant, 357 benign; 114 held out = 42.47 + 71.53, the larger remainder rounds up.
    const bc = loadBreastCancer();
    const t = trainTestSplit(bc.x, bc.y, { testSize: 0.2, seed: 1, stratify: true });
    expect(counts(t.yTest, 2)).toEqual([42, 72]);
    expect(counts(t.yTrain, 2)).toEqual([170, 285]);
    // Seeded: the same rows again, other rows for another seed; every row lands in exactly one part.
    expect(trainTestSplit(iris.x, iris.y, { testSize: 0.2, seed: 3, stratify: true })).toEqual(s);
    expect(trainTestSplit(iris.x, iris.y, { testSize: 0.2, seed: 4, stratify: true }).xTest).not.toEqual(s.xTest);
    const key = (m: Matrix, i: number) => Array.from(m.data.subarray(4 * i, 4 * i + 4)).join();
    const all = [...Array.from({ length: 120 }, (_, i) => key(s.xTrain, i)), ...Array.from({ length: 30 }, (_, i) => key(s.xTest, i))].sort();
    expect(all).toEqual(Array.from({ length: 150 }, (_, i) => key(iris.x, i)).sort());
  });

  it('refuses unknown option names, suggesting the closest one', () => {
    expectError(() => trainTestSplit(x, x, { test_size: 0.2 } as never), 'trainTestSplit: unknown option `test_size`; did you mean `testSize`? Known: testSize, shuffle, seed, stratify, testFraction');
    expectError(() => trainTestSplit(x, x, { random_state: 1 } as never), 'trainTestSplit: unknown option `random_state` Known: testSize, shuffle, seed, stratify, testFraction');
    expectError(() => trainTestSplit(x, x, 0.2 as never), 'trainTestSplit: expected an options object, received 0.2');
  });

  it('refuses a testSize that is neither a fraction in (0, 1) nor a row count that leaves training rows', () => {
    const bad = (testSize: unknown) => `trainTestSplit: expected \`testSize\` to be a fraction in (0, 1) or a row count in [1, 49], received ${testSize}`;
    expectError(() => trainTestSplit(x, x, { testSize: 0 }), bad(0));
    expectError(() => trainTestSplit(x, x, { testSize: 1.5 }), bad(1.5));
    expectError(() => trainTestSplit(x, x, { testSize: 50 }), bad(50));
    expectError(() => trainTestSplit(x, x, { testSize: -0.2 }), bad(-0.2));
    expectError(() => trainTestSplit(x, x, { testSize: NaN }), bad(NaN));
    expectError(() => trainTestSplit(x, x, { testSize: '0.2' as never }), bad("'0.2'"));
    expectError(() => trainTestSplit(x, x, { testSize: 0.99 }), 'trainTestSplit: expected `testSize` to leave at least one training row, received 0.99 (50 of 50 rows)');
    expectError(() => trainTestSplit(x, x, { testFraction: 1 }), 'trainTestSplit: expected `testFraction` to be a number > 0 and < 1, received 1');
    expectError(() => trainTestSplit(x, x, { testFraction: 0.995 }), 'trainTestSplit: expected `testFraction` to leave at least one training row, received 0.995 (50 of 50 rows)');
    expectError(() => trainTestSplit(x, x, { testSize: 0.2, testFraction: 0.2 }), "trainTestSplit: expected `testFraction` to be absent when `testSize` is given (it is testSize's earlier name), received 0.2");
  });

  it('refuses shuffle, seed and stratify values it cannot use', () => {
    expectError(() => trainTestSplit(x, x, { shuffle: 'yes' as never }), "trainTestSplit: expected `shuffle` to be a boolean, received 'yes'");
    expectError(() => trainTestSplit(x, x, { stratify: 1 as never }), 'trainTestSplit: expected `stratify` to be a boolean, received 1');
    expectError(() => trainTestSplit(x, x, { seed: -1 }), 'trainTestSplit: expected `seed` to be a non-negative integer, received -1');
    expectError(() => trainTestSplit(x, x, { seed: 1.5 }), 'trainTestSplit: expected `seed` to be a non-negative integer, received 1.5');
    expectError(() => trainTestSplit(x, x, { seed: 2 ** 32 }), 'trainTestSplit: expected `seed` to be an integer in [0, 4294967295], received 4294967296');
    expectError(() => trainTestSplit(x, x, { shuffle: false, seed: 3 }), 'trainTestSplit: expected `seed` to be absent with `shuffle: false` (nothing is shuffled), received 3');
    expectError(() => trainTestSplit(x, x, { shuffle: false, stratify: true }), 'trainTestSplit: expected `stratify` to be false with `shuffle: false` (a stratified split draws rows at random), received true');
  });

  it('refuses to stratify targets that are not classes', () => {
    const rows = [[0], [1], [2], [3]];
    const notClasses = 'trainTestSplit: expected `y` to hold class ids (integers) or one-hot rows for `stratify: true`, received';
    expectError(() => trainTestSplit(rows, [0.5, 1, 1, 0], { testSize: 2, stratify: true }), `${notClasses} 0.5 at row 0`);
    expectError(() => trainTestSplit(rows, [[1, 0], [0, 1], [0.2, 0.8], [1, 0]], { testSize: 2, stratify: true }), `${notClasses} [0.2, 0.8] at row 2`);
    expectError(() => trainTestSplit(rows, [[1, 0], [1, 1], [0, 1], [1, 0]], { testSize: 2, stratify: true }), `${notClasses} [1, 1] at row 1`);
    expectError(() => trainTestSplit(rows, [[1, 0], [0, 0], [0, 1], [1, 0]], { testSize: 2, stratify: true }), `${notClasses} [0, 0] at row 1`);
    expectError(() => trainTestSplit(rows, [0, 0, 1, 3], { testSize: 2, stratify: true }), 'trainTestSplit: expected every class in `y` to have at least 2 rows for `stratify: true`, received 1 row of class 1');
  });

  it('refuses x and y as fit would, and y with another row count', () => {
    expectError(() => trainTestSplit(x, Array.from({ length: 49 }, () => 0)), 'trainTestSplit: expected `y` to have as many rows as x (50), received 49');
    expectError(() => trainTestSplit(x, { data: new Float32Array(51), shape: [51, 1] }), 'trainTestSplit: expected `y` to have as many rows as x (50), received 51');
    expectError(() => trainTestSplit([[1]], [0]), 'trainTestSplit: expected `x` to have at least 2 rows to split, received 1');
    expectError(() => trainTestSplit('x' as never, [0]), "trainTestSplit: expected `x` to be number[][] (or deeper nested arrays) or { data, shape: [rows, …] }, received 'x'");
    expectError(() => trainTestSplit([[1], [NaN]], [0, 1]), 'trainTestSplit: expected `x` to hold finite numbers, received NaN at row 1, column 0');
    expectError(() => trainTestSplit([[1], [2]], [0, undefined] as never), 'trainTestSplit: expected `y` to hold finite numbers, received undefined at row 1');
  });
});
