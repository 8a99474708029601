// What compile() set, in a model file, both ways. sinew's own record (userDefinedMetadata.sinew)
// holds the optimizer exactly as built (class and every option) and the loss with fromLogits; TF.js's
// `trainingConfig` is written too when TF.js would mean the same thing by it (its optimizer keeps the
// same state as sinew's: Adam, Adagrad, plain SGD; and the loss takes probabilities). Reading takes
// sinew's record when present, else the TF.js/Keras trainingConfig.

import { describe } from '../errors.js';
import { resolveLoss, type LossSpec, type ResolvedLoss } from '../losses.js';
import type { ResolvedMetric } from '../metrics.js';
import { Adagrad } from '../optimizers/adagrad.js';
import { Adam } from '../optimizers/adam.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { RMSprop } from '../optimizers/rmsprop.js';
import { SGD } from '../optimizers/sgd.js';
import type { Untrusted } from './untrusted.js';

/** Names of each optimizer's slots, in slot order (the suffixes TF.js gives its optimizer weights). */
export function slotNames(optimizer: Optimizer): string[] {
  if (optimizer instanceof Adam) return ['m', 'v'];
  if (optimizer instanceof Adagrad) return ['accumulator'];
  if (optimizer instanceof RMSprop) return optimizer.momentum > 0 ? ['rms', 'momentum'] : ['rms'];
  if (optimizer instanceof SGD) return optimizer.momentum > 0 ? ['momentum'] : [];
  throw new Error(`save: optimizer ${optimizer.constructor.name} cannot be saved`);
}

const LOSS_TO_KERAS: Record<ResolvedLoss['kind'], string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  bce: 'binary_crossentropy',
  cce: 'categorical_crossentropy',
  sparseCce: 'sparse_categorical_crossentropy',
};

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export interface CompileRecord {
  optimizer: { className: string; config: Record<string, unknown> };
  loss: { name: string; fromLogits: boolean };
  metrics: string[];
}

/** sinew's exact record of a compile call. */
export function writeCompileRecord(optimizer: Optimizer, loss: ResolvedLoss, metrics: readonly ResolvedMetric[]): CompileRecord {
  const config = Object.fromEntries(Object.entries(optimizer.getConfig()).filter(([, v]) => v !== undefined));
  return { optimizer: { className: optimizer.constructor.name, config }, loss: { name: loss.name, fromLogits: loss.fromLogits }, metrics: metrics.map((m) => m.key) };
}

/** TF.js's trainingConfig, or undefined when TF.js would read it differently from sinew. */
export function writeTrainingConfig(optimizer: Optimizer, loss: ResolvedLoss, metrics: readonly ResolvedMetric[]): Record<string, unknown> | undefined {
  if (loss.fromLogits) return undefined;
  let optimizerConfig: { class_name: string; config: Record<string, unknown> } | undefined;
  if (optimizer instanceof Adam) {
    optimizerConfig = { class_name: 'Adam', config: { learningRate: optimizer.learningRate, beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon } };
  } else if (optimizer instanceof Adagrad) {
    optimizerConfig = { class_name: 'Adagrad', config: { learningRate: optimizer.learningRate, initialAccumulatorValue: optimizer.initialAccumulatorValue } };
  } else if (optimizer instanceof SGD && optimizer.momentum === 0) {
    optimizerConfig = { class_name: 'SGD', config: { learningRate: optimizer.learningRate } };
  }
  if (!optimizerConfig) return undefined;
  return { loss: LOSS_TO_KERAS[loss.kind], metrics: metrics.map((m) => snake(m.key)), optimizer_config: optimizerConfig };
}

// ---- reading ---------------------------------------------------------------------------------

const OPTIMIZERS: Record<string, { make: (o: Record<string, unknown>) => Optimizer; numbers: string[]; booleans: string[] }> = {
  Adam: { make: (o) => new Adam(o), numbers: ['beta1', 'beta2', 'epsilon'], booleans: [] },
  SGD: { make: (o) => new SGD(o), numbers: ['momentum'], booleans: ['nesterov'] },
  RMSprop: { make: (o) => new RMSprop(o), numbers: ['rho', 'momentum', 'epsilon'], booleans: [] },
  Adagrad: { make: (o) => new Adagrad(o), numbers: ['initialAccumulatorValue', 'epsilon'], booleans: [] },
};
const BASE_NUMBERS = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue'];

/** Runs a constructor that validates its options, re-throwing its message with the file's field. */
function build<T>(field: Untrusted, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new Error(`${field.owner}: \`${field.path}\` is not a valid configuration: ${(e as Error).message}`);
  }
}

/** Reads sinew's compile record. */
export function readCompileRecord(field: Untrusted): { optimizer: Optimizer; loss: LossSpec; metrics: string[] } {
  const opt = field.get('optimizer');
  const className = opt.get('className').oneOf(Object.keys(OPTIMIZERS));
  const entry = OPTIMIZERS[className];
  const config = opt.get('config');
  const options: Record<string, unknown> = {};
  for (const key of config.keys()) {
    const f = config.get(key);
    if (entry.booleans.includes(key)) options[key] = f.boolean();
    else if (entry.numbers.includes(key) || BASE_NUMBERS.includes(key)) options[key] = f.number();
    else f.fail(`absent (not an option of ${className})`);
  }
  const optimizer = build(config, () => entry.make(options));
  const lossField = field.get('loss');
  const loss = { name: lossField.get('name').string(64), fromLogits: lossField.get('fromLogits').boolean() };
  build(lossField, () => resolveLoss(loss));
  const metrics = field.get('metrics').array(16, 'an array of metric names').map((m) => m.string(64));
  return { optimizer, loss, metrics };
}

/**
 * Reads a TF.js or Keras trainingConfig. `momentumFromAccumulator`: TF.js's Momentum keeps
 * a = β·a + g where Keras (and sinew) keep m = β·m − lr·g, so its state converts as m = −lr·a.
 */
export function readTrainingConfig(field: Untrusted): { optimizer: Optimizer; loss: LossSpec; metrics: string[]; tfjsSlots: 'same' | 'momentumFromAccumulator' | 'rmsIgnoringMoments' } {
  field.object();
  for (const key of ['weighted_metrics', 'loss_weights', 'sample_weight_mode']) field.get(key).unsupported(key);
  const oc = field.get('optimizer_config');
  const className = oc.get('class_name').string(64);
  const c = oc.get('config');
  if (!c.isMissing()) c.object();
  // TF.js writes camelCase, Keras snake_case.
  const num = (keys: string[]): number | undefined => (c.isMissing() ? undefined : c.getAny(keys).optional((f) => f.number(), undefined));
  const learningRate = num(['learningRate', 'learning_rate', 'lr']);
  const lr = learningRate === undefined ? {} : { learningRate };
  let optimizer: Optimizer;
  let tfjsSlots: 'same' | 'momentumFromAccumulator' | 'rmsIgnoringMoments' = 'same';
  switch (className) {
    case 'Adam':
      optimizer = build(oc, () => new Adam(defined({ ...lr, beta1: num(['beta1', 'beta_1']), beta2: num(['beta2', 'beta_2']), epsilon: num(['epsilon']) })));
      break;
    case 'SGD':
      optimizer = build(oc, () => new SGD(defined({ ...lr, momentum: num(['momentum']), nesterov: c.isMissing() ? undefined : c.get('nesterov').optional((f) => f.boolean(), undefined) })));
      break;
    case 'Momentum': {
      const useNesterov = c.isMissing() ? false : c.getAny(['useNesterov', 'use_nesterov']).optional((f) => f.boolean(), false);
      optimizer = build(oc, () => new SGD(defined({ ...lr, momentum: num(['momentum']), nesterov: useNesterov })));
      tfjsSlots = 'momentumFromAccumulator';
      break;
    }
    case 'RMSProp':
    case 'RMSprop': {
      if (!c.isMissing() && c.get('centered').optional((f) => f.boolean(), false)) c.get('centered').fail('false (centered RMSprop is not supported by sinew)');
      const momentum = num(['momentum']) ?? 0;
      if (momentum !== 0 && className === 'RMSProp') c.get('momentum').fail('0 (TF.js RMSProp with momentum keeps state sinew cannot convert)');
      optimizer = build(oc, () => new RMSprop(defined({ ...lr, rho: num(['decay', 'rho']), momentum, epsilon: num(['epsilon']) })));
      if (className === 'RMSProp') tfjsSlots = 'rmsIgnoringMoments';
      break;
    }
    case 'Adagrad':
      optimizer = build(oc, () => new Adagrad(defined({ ...lr, initialAccumulatorValue: num(['initialAccumulatorValue', 'initial_accumulator_value']), epsilon: num(['epsilon']) })));
      break;
    default:
      return oc.get('class_name').fail(`one of 'Adam', 'SGD', 'Momentum', 'RMSProp', 'Adagrad'`);
  }
  const lossField = field.get('loss');
  if (typeof lossField.value !== 'string') lossField.fail('a loss name such as "categorical_crossentropy" (one output)');
  const loss = lossField.string(64);
  build(lossField, () => resolveLoss(loss));
  const m = field.get('metrics');
  let metrics: string[] = [];
  if (Array.isArray(m.value)) metrics = m.array(16).map((f) => toCamel(f.string(64)));
  else if (!m.isMissing() && m.keys().length > 0) m.fail(`a list of metric names (per-output metrics are not supported), received ${describe(m.value)}`);
  return { optimizer, loss: toCamel(loss), metrics, tfjsSlots };
}

/** Keras snake_case metric names → sinew's ('binary_accuracy' → 'binaryAccuracy'); 'acc' stays. */
function toCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
