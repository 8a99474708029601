import { describe, expect, it } from 'vitest';
import { loadBreastCancer, loadDiabetes, loadDigits, loadIris } from '../../src/datasets/index.js';

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
