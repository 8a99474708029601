// Losses by name: resolves Keras/TF.js spellings (and `{ name, fromLogits }`) to one of five loss
// kinds. Which kernels compute a loss (fused with softmax/sigmoid or not) is decided by the model's
// training step (src/model/engine.ts), since it depends on the last layer's activation.

import { checkOptionKeys, describe, unknownNameError, SinewError } from './errors.js';

export type LossKind = 'mse' | 'mae' | 'bce' | 'cce' | 'sparseCce';

/** `'categoricalCrossentropy'`, or `{ name: 'categoricalCrossentropy', fromLogits: true }`. */
export type LossSpec = string | { name: string; fromLogits?: boolean };

export interface ResolvedLoss {
  /** The name as the user gave it (Keras logs it this way). */
  readonly name: string;
  readonly kind: LossKind;
  /** The model outputs logits; the loss applies sigmoid/softmax itself (cross-entropies only). */
  readonly fromLogits: boolean;
}

// Canonical names first (these are listed in error messages), then Keras snake_case spellings.
const NAMES: Record<string, LossKind> = {
  meanSquaredError: 'mse',
  meanAbsoluteError: 'mae',
  binaryCrossentropy: 'bce',
  categoricalCrossentropy: 'cce',
  sparseCategoricalCrossentropy: 'sparseCce',
  mse: 'mse',
  mae: 'mae',
  mean_squared_error: 'mse',
  mean_absolute_error: 'mae',
  binary_crossentropy: 'bce',
  categorical_crossentropy: 'cce',
  sparse_categorical_crossentropy: 'sparseCce',
};

export const LOSS_NAMES: readonly string[] = Object.keys(NAMES);

export function resolveLoss(spec: LossSpec | undefined): ResolvedLoss {
  if (spec === undefined) throw new SinewError(`compile: expected \`loss\` to be a loss name such as 'categoricalCrossentropy', received undefined`);
  const name = typeof spec === 'string' ? spec : spec !== null && typeof spec === 'object' ? spec.name : undefined;
  if (typeof name !== 'string') throw new SinewError(`compile: expected \`loss\` to be a loss name or { name, fromLogits }, received ${describe(spec)}`);
  const kind = Object.hasOwn(NAMES, name) ? NAMES[name] : undefined; // own entries only: not 'toString'
  if (!kind) throw unknownNameError('loss', name, LOSS_NAMES.slice(0, 7));
  let fromLogits = false;
  if (typeof spec === 'object') {
    checkOptionKeys('compile: loss', spec, ['name', 'fromLogits']);
    if (spec.fromLogits !== undefined && typeof spec.fromLogits !== 'boolean') {
      throw new SinewError(`compile: expected \`loss.fromLogits\` to be a boolean, received ${describe(spec.fromLogits)}`);
    }
    fromLogits = spec.fromLogits ?? false;
    if (fromLogits && (kind === 'mse' || kind === 'mae')) throw new SinewError(`compile: \`fromLogits\` applies to cross-entropy losses, not '${name}'`);
  }
  return { name, kind, fromLogits };
}
