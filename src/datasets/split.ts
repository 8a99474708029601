// trainTestSplit: scikit-learn's train_test_split (test_size, shuffle, random_state, stratify) in
// sinew's spelling, reading x and y as fit does. Seeded and deterministic: the same data and seed
// always give the same rows on every runtime.

import type { Matrix } from '../matrix.js';
import type { MatrixLike, Table, TargetLike } from '../train/data.js';
import { checkNumber, checkOptionKeys, checkSeed, describe, SinewError } from '../errors.js';
import { readTable } from '../train/data.js';
import { gather, readColumnOrTable, valueAt } from './read.js';

export interface Split {
  xTrain: Matrix;
  yTrain: Matrix;
  xTest: Matrix;
  yTest: Matrix;
}

export interface SplitOptions {
  /** The held-out part: a fraction in (0, 1) of the rows, or a whole number of rows. Default 0.2. */
  testSize?: number;
  /** Shuffle the rows before splitting (default true); false holds out the last rows. */
  shuffle?: boolean;
  /** Seed of the shuffle, an integer in [0, 2³² − 1] (default 0). */
  seed?: number;
  /** Keep each class's share of the rows in both parts (y: class ids or one-hot rows). Default false. */
  stratify?: boolean;
  /** The earlier name of `testSize` (a fraction only). */
  testFraction?: number;
}

const OWNER = 'trainTestSplit';
const KNOWN = ['testSize', 'shuffle', 'seed', 'stratify', 'testFraction'];

/** Splits rows of x and y (the same rows of both) into a training and a held-out test part. */
export function trainTestSplit(x: MatrixLike, y: TargetLike, options: SplitOptions = {}): Split {
  checkOptionKeys(OWNER, options, KNOWN);
  const xt = readTable(OWNER, 'x', x);
  const n = xt.rows;
  const yt = readColumnOrTable(OWNER, 'y', y, n);
  if (n < 2) throw new SinewError(`${OWNER}: expected \`x\` to have at least 2 rows to split, received ${n}`);
  const nTest = testRows(options, n);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new SinewError(`${OWNER}: expected \`shuffle\` to be a boolean, received ${describe(shuffle)}`);
  const stratify = options.stratify ?? false;
  if (typeof stratify !== 'boolean') throw new SinewError(`${OWNER}: expected \`stratify\` to be a boolean, received ${describe(stratify)}`);
  if (!shuffle && options.seed !== undefined) throw new SinewError(`${OWNER}: expected \`seed\` to be absent with \`shuffle: false\` (nothing is shuffled), received ${describe(options.seed)}`);
  if (!shuffle && stratify) throw new SinewError(`${OWNER}: expected \`stratify\` to be false with \`shuffle: false\` (a stratified split draws rows at random), received true`);
  const seed = checkSeed(OWNER, 'seed', options.seed ?? 0);

  let test: number[];
  let train: number[];
  if (!shuffle) {
    // As scikit-learn: the first rows train, the last nTest are held out.
    train = Array.from({ length: n - nTest }, (_, i) => i);
    test = Array.from({ length: nTest }, (_, i) => n - nTest + i);
  } else {
    const order = permutation(n, seed);
    if (stratify) {
      ({ test, train } = stratified(order, classIds(yt), nTest));
    } else {
      test = order.slice(0, nTest);
      train = order.slice(nTest);
    }
  }
  return { xTrain: gather(xt, train), yTrain: gather(yt, train), xTest: gather(xt, test), yTest: gather(yt, test) };
}

/** The number of held-out rows `testSize` (or its earlier name `testFraction`) asks for. */
function testRows(options: SplitOptions, n: number): number {
  if (options.testSize !== undefined && options.testFraction !== undefined) {
    throw new SinewError(`${OWNER}: expected \`testFraction\` to be absent when \`testSize\` is given (it is testSize's earlier name), received ${describe(options.testFraction)}`);
  }
  const size = options.testSize ?? options.testFraction ?? 0.2;
  if (options.testSize === undefined) checkNumber(OWNER, 'testFraction', size, { min: 0, max: 1, minOpen: true, maxOpen: true });
  const fraction = typeof size === 'number' && size > 0 && size < 1;
  if (!fraction && !(Number.isInteger(size) && size >= 1 && size <= n - 1)) {
    throw new SinewError(`${OWNER}: expected \`testSize\` to be a fraction in (0, 1) or a row count in [1, ${n - 1}], received ${describe(size)}`);
  }
  const nTest = fraction ? Math.max(1, Math.round(n * size)) : size;
  const arg = options.testSize === undefined ? 'testFraction' : 'testSize';
  if (nTest >= n) throw new SinewError(`${OWNER}: expected \`${arg}\` to leave at least one training row, received ${size} (${nTest} of ${n} rows)`);
  return nTest;
}

/** A seeded permutation of 0…n−1 (Fisher–Yates over xorshift32; kept as it was, so earlier splits stay the same). */
function permutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (s || 0x9e3779b9) >>> 0; // xorshift32 needs a nonzero state
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Each row's class for stratifying: the id of a [n, 1] column of integers, or the index of a one-hot row's 1. */
function classIds(y: Table): number[] {
  const ids: number[] = [];
  for (let i = 0; i < y.rows; i++) {
    if (y.cols === 1) {
      const c = valueAt(y, i, 0);
      if (!Number.isInteger(c)) throw new SinewError(`${OWNER}: expected \`y\` to hold class ids (integers) or one-hot rows for \`stratify: true\`, received ${describe(c)} at row ${i}`);
      ids.push(c);
      continue;
    }
    let hot = -1;
    let ones = 0;
    for (let j = 0; j < y.cols && ones >= 0; j++) {
      const v = valueAt(y, i, j);
      if (v === 1) {
        hot = j;
        ones++;
      } else if (v !== 0) {
        ones = -1; // neither 0 nor 1: not one-hot
      }
    }
    if (ones !== 1) {
      const row = Array.from({ length: y.cols }, (_, j) => valueAt(y, i, j));
      throw new SinewError(`${OWNER}: expected \`y\` to hold class ids (integers) or one-hot rows for \`stratify: true\`, received ${describe(row)} at row ${i}`);
    }
    ids.push(hot);
  }
  return ids;
}

/**
 * Holds out nTest rows so that each class's share of them is its share of all rows, rounded by the
 * largest remainder (ties to the smaller class id); which rows of a class are held out follows the
 * shuffled order, and both parts keep that order.
 */
function stratified(order: number[], ids: number[], nTest: number): { test: number[]; train: number[] } {
  const n = ids.length;
  const counts = new Map<number, number>();
  for (const c of ids) counts.set(c, (counts.get(c) ?? 0) + 1);
  const classes = [...counts.keys()].sort((a, b) => a - b);
  for (const c of classes) {
    if (counts.get(c)! < 2) throw new SinewError(`${OWNER}: expected every class in \`y\` to have at least 2 rows for \`stratify: true\`, received 1 row of class ${c}`);
  }
  // nTest · count / n in integers: quotient and remainder are exact for any realistic n.
  const quota = new Map(classes.map((c) => [c, Math.floor((nTest * counts.get(c)!) / n)]));
  let left = nTest - classes.reduce((s, c) => s + quota.get(c)!, 0);
  const byRemainder = [...classes].sort((a, b) => ((nTest * counts.get(b)!) % n) - ((nTest * counts.get(a)!) % n) || a - b);
  for (let k = 0; left > 0; k++, left--) quota.set(byRemainder[k], quota.get(byRemainder[k])! + 1);
  const test: number[] = [];
  const train: number[] = [];
  for (const row of order) {
    const c = ids[row];
    const q = quota.get(c)!;
    if (q > 0) {
      test.push(row);
      quota.set(c, q - 1);
    } else {
      train.push(row);
    }
  }
  return { test, train };
}
