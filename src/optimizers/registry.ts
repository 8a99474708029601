// The one list of optimizer classes: by Keras/TF.js name ('sgd', 'adagrad', 'rmsprop', 'adam' →
// Keras defaults) for compile, and by class name with its option schema for reading a saved compile
// record. A new optimizer is its class (schema, slot names, kernel call) plus one line here.

import { describe, unknownNameError, SinewError } from '../errors.js';
import { Adagrad, ADAGRAD_SCHEMA } from './adagrad.js';
import { Adam, ADAM_SCHEMA } from './adam.js';
import { AdamW, ADAMW_SCHEMA } from './adamw.js';
import { Adamax, ADAMAX_SCHEMA } from './adamax.js';
import { Optimizer, type OptionSchema } from './optimizer.js';
import { RMSprop, RMSPROP_SCHEMA } from './rmsprop.js';
import { SGD, SGD_SCHEMA } from './sgd.js';

export interface OptimizerClass {
  /** compile's name for it. */
  readonly name: string;
  readonly schema: OptionSchema;
  make(options: Record<string, unknown>): Optimizer;
}

/** By class name (what `optimizer.constructor.name` and a saved compile record say). */
const CLASSES: Readonly<Record<string, OptimizerClass>> = {
  SGD: { name: 'sgd', schema: SGD_SCHEMA, make: (o) => new SGD(o) },
  Adagrad: { name: 'adagrad', schema: ADAGRAD_SCHEMA, make: (o) => new Adagrad(o) },
  RMSprop: { name: 'rmsprop', schema: RMSPROP_SCHEMA, make: (o) => new RMSprop(o) },
  Adam: { name: 'adam', schema: ADAM_SCHEMA, make: (o) => new Adam(o) },
  AdamW: { name: 'adamw', schema: ADAMW_SCHEMA, make: (o) => new AdamW(o) },
  Adamax: { name: 'adamax', schema: ADAMAX_SCHEMA, make: (o) => new Adamax(o) },
};
export const OPTIMIZER_CLASS_NAMES: readonly string[] = Object.keys(CLASSES);
export const OPTIMIZER_NAMES: readonly string[] = Object.values(CLASSES).map((c) => c.name);

/** The class of a saved class name (own entries only). */
export function optimizerClass(className: string): OptimizerClass | undefined {
  return Object.hasOwn(CLASSES, className) ? CLASSES[className] : undefined;
}

export function resolveOptimizer(spec: string | Optimizer | undefined): Optimizer {
  if (spec === undefined) return new RMSprop(); // Keras compile's default
  if (spec instanceof Optimizer) return spec;
  if (typeof spec === 'string') {
    const entry = Object.values(CLASSES).find((c) => c.name === spec.toLowerCase());
    if (!entry) throw unknownNameError('optimizer', spec, OPTIMIZER_NAMES);
    return entry.make({});
  }
  throw new SinewError(`compile: expected \`optimizer\` to be a name (${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')}) or an optimizer object, received ${describe(spec)}`);
}
