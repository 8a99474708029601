import { describe, expect, it } from 'vitest';
import { loadBreastCancer, loadDiabetes, loadDigits, loadIris, standardize, toOneHot, trainTestSplit } from '../../src/datasets/index.js';

describe('shipped data sets', () => {
  it('iris has 150 rows of 4 features, 50 of each of 3 classes, and its first row as published', () => {
    const d = loadIris();
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.y.shape).toEqual([150, 1]);
    expect(Array.from(d.x.data.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect([0, 1, 2].map((c) => d.y.data.filter((v) => v === c).length)).toEqual([50, 50, 50]);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('breast cancer has 569 rows of 30 features, 212 malignant (0) and 357 benign (1)', () => {
    const d = loadBreastCancer();
    expect(d.x.shape).toEqual([569, 30]);
    expect(d.x.data[0]).toBe(Math.fround(17.99));
    expect(d.y.data.filter((v) => v === 0).length).toBe(212);
    expect(d.y.data.filter((v) => v === 1).length).toBe(357);
  });

  it('digits has 1797 images of 64 pixels in 0..16 with labels 0..9, first image as published', () => {
    const d = loadDigits();
    expect(d.x.shape).toEqual([1797, 64]);
    expect(Array.from(d.x.data.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(Math.max(...d.x.data)).toBe(16);
    expect(d.y.data[0]).toBe(0);
    expect(new Set(d.y.data).size).toBe(10);
  });

  it('diabetes has 442 rows of 10 raw features and targets in 25..346', () => {
    const d = loadDiabetes();
    expect(d.x.shape).toEqual([442, 10]);
    expect(Array.from(d.x.data.subarray(0, 3))).toEqual([59, 2, 32.1].map(Math.fround));
    expect(d.y.data[0]).toBe(151);
    expect(Math.min(...d.y.data)).toBe(25);
    expect(Math.max(...d.y.data)).toBe(346);
  });
});

describe('data preparation', () => {
  it('toOneHot writes a single 1 per row at the class id and rejects ids out of range', () => {
    const oh = toOneHot({ data: new Float32Array([2, 0]), shape: [2, 1] }, 3);
    expect(Array.from(oh.data)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => toOneHot({ data: new Float32Array([3]), shape: [1, 1] }, 3)).toThrow(/integers in \[0, 2\], received 3 at row 0/);
  });

  it('trainTestSplit is a seeded permutation: disjoint, complete, reproducible, different for another seed', () => {
    const n = 50;
    const x = { data: Float32Array.from({ length: n }, (_, i) => i), shape: [n, 1] as [number, number] };
    const a = trainTestSplit(x, x, { testFraction: 0.2, seed: 7 });
    const b = trainTestSplit(x, x, { testFraction: 0.2, seed: 7 });
    const c = trainTestSplit(x, x, { testFraction: 0.2, seed: 8 });
    expect(a.xTest.shape).toEqual([10, 1]);
    expect([...a.xTrain.data, ...a.xTest.data].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Array.from(a.yTest.data)).toEqual(Array.from(a.xTest.data));
    expect(Array.from(b.xTest.data)).toEqual(Array.from(a.xTest.data));
    expect(Array.from(c.xTest.data)).not.toEqual(Array.from(a.xTest.data));
  });

  it('standardize uses the training statistics for every matrix it is given', () => {
    const train = { data: new Float32Array([1, 10, 3, 10]), shape: [2, 2] as [number, number] };
    const test = { data: new Float32Array([5, 10]), shape: [1, 2] as [number, number] };
    const s = standardize(train, test);
    expect(Array.from(s.train.data)).toEqual([-1, 0, 1, 0]); // column 2 is constant: centred, not scaled
    expect(Array.from(s.others[0].data)).toEqual([3, 0]); // (5 − 2) / 1
  });
});
