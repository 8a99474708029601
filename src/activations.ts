// Activations by name: the registry that maps Keras/TF.js names to the kernel ACT codes (or to the
// softmax kernels), with their default parameters. The math lives in the kernels
// (assembly/activations.ts and its twin); this file only resolves names and options.

import { ACT, type ActCode } from './backend/abi.js';
import { checkNumber, describe, unknownNameError, SinewError } from './errors.js';

/** A resolved activation: an element-wise ACT code with its alpha, or the row-wise softmax. */
export interface ResolvedActivation {
  /** Canonical name, as shown by summary(). */
  readonly name: string;
  readonly kind: 'elementwise' | 'softmax';
  /** ACT code (meaningless for softmax). */
  readonly code: ActCode;
  readonly alpha: number;
}

/** `'relu'`, or an object for activations with a parameter: `{ name: 'leakyRelu', alpha: 0.1 }`. */
export type ActivationSpec = string | { name: string; alpha?: number };

interface Entry {
  name: string;
  kind: 'elementwise' | 'softmax';
  code: ActCode;
  /** Default parameter (Keras 3 defaults); undefined = the activation takes none. */
  alpha?: number;
}

// One defaults table. leaky_relu: Keras 3 `negative_slope=0.2`; elu: `alpha=1.0`.
const TABLE: Entry[] = [
  { name: 'linear', kind: 'elementwise', code: ACT.linear },
  { name: 'relu', kind: 'elementwise', code: ACT.relu },
  { name: 'leakyRelu', kind: 'elementwise', code: ACT.leakyRelu, alpha: 0.2 },
  { name: 'sigmoid', kind: 'elementwise', code: ACT.sigmoid },
  { name: 'tanh', kind: 'elementwise', code: ACT.tanh },
  { name: 'elu', kind: 'elementwise', code: ACT.elu, alpha: 1 },
  { name: 'gelu', kind: 'elementwise', code: ACT.gelu },
  { name: 'silu', kind: 'elementwise', code: ACT.silu },
  { name: 'softmax', kind: 'softmax', code: ACT.linear },
];

// Other spellings users bring from Keras (snake_case) and TF.js.
const ALIASES: Record<string, string> = { leaky_relu: 'leakyRelu', leakyrelu: 'leakyRelu', swish: 'silu', none: 'linear' };

/** Names accepted by `activation:` options (canonical ones; aliases are accepted too). */
export const ACTIVATION_NAMES: readonly string[] = TABLE.map((e) => e.name);

/** Resolves a name or `{ name, alpha }` to kernel terms; throws with a suggestion on unknown names. */
export function resolveActivation(spec: ActivationSpec | undefined | null, owner = 'activation'): ResolvedActivation {
  if (spec === undefined || spec === null) spec = 'linear';
  const name = typeof spec === 'string' ? spec : spec && typeof spec === 'object' ? spec.name : undefined;
  if (typeof name !== 'string') throw new SinewError(`${owner}: expected \`activation\` to be a name such as 'relu' or { name, alpha }, received ${describe(spec)}`);
  const alias = (key: string) => (Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined); // own entries only
  const canonical = alias(name) ?? alias(name.toLowerCase()) ?? name;
  const entry = TABLE.find((e) => e.name === canonical);
  if (!entry) throw unknownNameError('activation', name, ACTIVATION_NAMES);
  let alpha = entry.alpha ?? 0;
  if (typeof spec === 'object' && spec.alpha !== undefined) {
    if (entry.alpha === undefined) throw new SinewError(`${owner}: activation '${entry.name}' takes no \`alpha\`, received ${describe(spec.alpha)}`);
    // ≥ 0 as Keras requires; activation_backward also relies on it (it reads the sign from y).
    // ≤ 1e6: what a model file may hold (so whatever is built can be saved and loaded).
    alpha = checkNumber(owner, 'alpha', spec.alpha, { min: 0 });
    if (alpha > 1e6) throw new SinewError(`${owner}: expected \`alpha\` to be at most 1000000 (what a model file may hold), received ${alpha}`);
  }
  return { name: entry.name, kind: entry.kind, code: entry.code, alpha };
}
