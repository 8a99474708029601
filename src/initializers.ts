// Weight initializers with Keras formulas, drawing from the seeded Rng (src/random.ts) straight into
// the parameter block. Glorot/He use Keras VarianceScaling: the *Normal forms draw a normal
// truncated at two standard deviations and divide by .87962566103423978 so the variance is exact
// (Keras: stddev = sqrt(scale / fan) / .87962566103423978); *Uniform draw in ±sqrt(3·scale / fan).

import type { FloatHeap } from './memory/arena.js';
import type { Rng } from './random.js';
import { checkNumber, checkOptionKeys, describe, unknownNameError, SinewError } from './errors.js';

/** Fills `count` floats at heap index `start` for a tensor with the given fans. */
export interface Initializer {
  readonly name: string;
  /** Parameters, for saving (randomNormal: mean, stddev; randomUniform: minval, maxval). */
  readonly config?: Readonly<Record<string, number>>;
  fill(heap: FloatHeap, start: number, count: number, fanIn: number, fanOut: number, rng: Rng): void;
}

type Fan = 'fanIn' | 'fanAvg';
const TRUNCATED_STDDEV_CORRECTION = 0.87962566103423978; // stddev of a unit normal truncated at ±2

function varianceScaling(name: string, scale: number, mode: Fan, distribution: 'uniform' | 'truncatedNormal'): Initializer {
  return {
    name,
    fill(heap, start, count, fanIn, fanOut, rng) {
      const fan = mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, fan);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        for (let i = 0; i < count; i++) heap[start + i] = (2 * rng.uniform() - 1) * limit;
      } else {
        const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV_CORRECTION;
        for (let i = 0; i < count; i++) heap[start + i] = rng.truncatedNormal() * stddev;
      }
    },
  };
}

/** Uniform in ±sqrt(6 / (fanIn + fanOut)). Keras's default kernel initializer. */
export const glorotUniform = (): Initializer => varianceScaling('glorotUniform', 1, 'fanAvg', 'uniform');
/** Truncated normal, stddev sqrt(2 / (fanIn + fanOut)) after the truncation correction. */
export const glorotNormal = (): Initializer => varianceScaling('glorotNormal', 1, 'fanAvg', 'truncatedNormal');
/** Uniform in ±sqrt(6 / fanIn). */
export const heUniform = (): Initializer => varianceScaling('heUniform', 2, 'fanIn', 'uniform');
/** Truncated normal, stddev sqrt(2 / fanIn) after the truncation correction (Keras he_normal). */
export const heNormal = (): Initializer => varianceScaling('heNormal', 2, 'fanIn', 'truncatedNormal');

function constant(name: string, value: number): Initializer {
  return {
    name,
    fill(heap, start, count) {
      heap.fill(value, start, start + count);
    },
  };
}

/** All zeros. Keras's default bias initializer. */
export const zeros = (): Initializer => constant('zeros', 0);
/** All ones. */
export const ones = (): Initializer => constant('ones', 1);

/** Normal(mean, stddev); Keras defaults mean 0, stddev 0.05. */
export function randomNormal(options: { mean?: number; stddev?: number } = {}): Initializer {
  checkOptionKeys('randomNormal', options, ['mean', 'stddev']);
  const mean = checkNumber('randomNormal', 'mean', options.mean ?? 0);
  const stddev = checkNumber('randomNormal', 'stddev', options.stddev ?? 0.05, { min: 0 });
  return {
    name: 'randomNormal',
    config: { mean, stddev },
    fill(heap, start, count, _fanIn, _fanOut, rng) {
      for (let i = 0; i < count; i++) heap[start + i] = mean + stddev * rng.normal();
    },
  };
}

/** Uniform in [minval, maxval); Keras defaults −0.05, 0.05. */
export function randomUniform(options: { minval?: number; maxval?: number } = {}): Initializer {
  checkOptionKeys('randomUniform', options, ['minval', 'maxval']);
  const minval = checkNumber('randomUniform', 'minval', options.minval ?? -0.05);
  const maxval = checkNumber('randomUniform', 'maxval', options.maxval ?? 0.05);
  if (!(maxval >= minval)) throw new SinewError(`randomUniform: expected \`maxval\` ≥ \`minval\` (${minval}), received ${maxval}`);
  return {
    name: 'randomUniform',
    config: { minval, maxval },
    fill(heap, start, count, _fanIn, _fanOut, rng) {
      for (let i = 0; i < count; i++) heap[start + i] = minval + (maxval - minval) * rng.uniform();
    },
  };
}

const BY_NAME: Record<string, () => Initializer> = { glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, randomNormal, randomUniform };
const ALIASES: Record<string, string> = {
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_uniform: 'heUniform',
  he_normal: 'heNormal',
  random_normal: 'randomNormal',
  random_uniform: 'randomUniform',
};
export const INITIALIZER_NAMES: readonly string[] = Object.keys(BY_NAME);

/** A name (`'heNormal'`, `'he_normal'`) or an Initializer object → an Initializer. */
export function resolveInitializer(spec: string | Initializer, owner: string, arg: string): Initializer {
  if (typeof spec === 'string') {
    const name = Object.hasOwn(ALIASES, spec) ? ALIASES[spec] : spec;
    const make = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined; // own entries only: not 'constructor'
    if (!make) throw unknownNameError('initializer', spec, INITIALIZER_NAMES);
    return make();
  }
  if (spec && typeof spec === 'object' && typeof spec.fill === 'function') return spec;
  throw new SinewError(`${owner}: expected \`${arg}\` to be an initializer name such as 'glorotUniform' or an initializer object, received ${describe(spec)}`);
}
