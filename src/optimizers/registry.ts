// Optimizers by name ('sgd', 'adagrad', 'rmsprop', 'adam' → Keras defaults) or as objects.

import { describe, unknownNameError } from '../errors.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adagrad: () => new Adagrad(),
  rmsprop: () => new RMSprop(),
  adam: () => new Adam(),
};
export const OPTIMIZER_NAMES: readonly string[] = Object.keys(BY_NAME);

export function resolveOptimizer(spec: string | Optimizer | undefined): Optimizer {
  if (spec === undefined) return BY_NAME.rmsprop(); // Keras compile's default
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'string') {
    const make = Object.hasOwn(BY_NAME, spec.toLowerCase()) ? BY_NAME[spec.toLowerCase()] : undefined; // own entries only
    if (!make) throw unknownNameError('optimizer', spec, OPTIMIZER_NAMES);
    return make();
  }
  throw new Error(`compile: expected \`optimizer\` to be a name ('sgd', 'adagrad', 'rmsprop', 'adam') or an optimizer object, received ${describe(spec)}`);
}
