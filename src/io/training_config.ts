// What compile() set, in a model file, both ways. sinew's own record (userDefinedMetadata.sinew)
// holds the optimizer exactly as built (class and every option) and the loss with fromLogits; TF.js's
// `trainingConfig` is written too when TF.js would mean the same thing by it (its optimizer keeps the
// same state as sinew's: Adam, Adagrad, plain SGD; and the loss takes probabilities). Reading takes
// sinew's record when present, else the TF.js/Keras trainingConfig.

import { LOSS_NAMES, resolveLoss, type LossSpec, type ResolvedLoss } from '../losses.js';
import { METRIC_NAMES, resolveMetrics, type ResolvedMetric } from '../metrics.js';
import { Adagrad } from '../optimizers/adagrad.js';
import { Adam } from '../optimizers/adam.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { OPTIMIZER_CLASS_NAMES, optimizerClass } from '../optimizers/registry.js';
import { SCHEDULE_CLASS_NAMES, scheduleFromConfig } from '../optimizers/schedules.js';
import { RMSprop } from '../optimizers/rmsprop.js';
import { SGD } from '../optimizers/sgd.js';
import type { TrainingConfig } from './artifacts.js';
import type { Untrusted } from './untrusted.js';
import { SinewError } from '../errors.js';

/** Names of each optimizer's slots, in slot order (the suffixes TF.js gives its optimizer weights). */
export function slotNames(optimizer: Optimizer): string[] {
  return optimizer.slotNames();
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
  /**
   * The trainingConfig written beside this record (null: none). TF.js carries userDefinedMetadata
   * through its own load and save, so a file TF.js re-compiled holds a stale record: it is trusted
   * only while the file's trainingConfig is still this one.
   */
  trainingConfig: TrainingConfig | null;
  loss: { name: string; fromLogits: boolean };
  metrics: string[];
}

/** sinew's exact record of a compile call. */
export function writeCompileRecord(optimizer: Optimizer, loss: ResolvedLoss, metrics: readonly ResolvedMetric[]): CompileRecord {
  const config = Object.fromEntries(Object.entries(optimizer.getConfig()).filter(([, v]) => v !== undefined));
  return {
    optimizer: { className: optimizer.constructor.name, config },
    trainingConfig: writeTrainingConfig(optimizer, loss, metrics) ?? null,
    loss: { name: loss.name, fromLogits: loss.fromLogits },
    metrics: metrics.map((m) => m.key),
  };
}

/** Whether the record was written with this trainingConfig (compared as JSON, both being plain data). */
export function recordMatches(record: Untrusted, trainingConfig: Untrusted): boolean {
  const written = record.get('trainingConfig');
  const current = trainingConfig.isMissing() ? null : trainingConfig.value;
  try {
    return JSON.stringify(written.isMissing() ? null : written.value) === JSON.stringify(current);
  } catch {
    return false; // absurdly deep JSON: not the record sinew wrote
  }
}

/** TF.js's trainingConfig, or undefined when TF.js would read it differently from sinew. */
export function writeTrainingConfig(optimizer: Optimizer, loss: ResolvedLoss, metrics: readonly ResolvedMetric[]): TrainingConfig | undefined {
  if (loss.fromLogits) return undefined;
  // TF.js optimizers do not clip; each optimizer says whether TF.js's own would keep the same state.
  if (optimizer.clipNorm !== undefined || optimizer.globalClipNorm !== undefined || optimizer.clipValue !== undefined) return undefined;
  if (optimizer.schedule || optimizer.weightDecay) return undefined; // TF.js optimizers take a constant rate and decay nothing
  const optimizerConfig = optimizer.tfjsOptimizerConfig();
  if (!optimizerConfig) return undefined;
  return { loss: LOSS_TO_KERAS[loss.kind], metrics: metrics.map((m) => snake(m.key)), optimizer_config: optimizerConfig };
}

// ---- reading ---------------------------------------------------------------------------------

/** The names a file may use, for messages (the losses' canonical spellings; snake_case is accepted too). */
const LOSS_CHOICES = `one of ${LOSS_NAMES.slice(0, 7).map((n) => `'${n}'`).join(', ')} (or Keras's snake_case spelling)`;
const METRIC_CHOICES = `one of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')}`;

/** Runs a constructor that validates its options, re-throwing its message with the file's field. */
function build<T>(field: Untrusted, make: () => T): T {
  try {
    return make();
  } catch (e) {
    // A value read inside `make` that failed already names its own field.
    if (e instanceof Error && e.message.startsWith(`${field.owner}: `)) throw e;
    throw new SinewError(`${field.owner}: \`${field.path}\` is not a valid configuration: ${(e as Error).message}`);
  }
}

/** Reads sinew's compile record. */
export function readCompileRecord(field: Untrusted): { optimizer: Optimizer; loss: LossSpec; metrics: string[] } {
  const opt = field.get('optimizer');
  const className = opt.get('className').oneOf(OPTIMIZER_CLASS_NAMES);
  const entry = optimizerClass(className)!;
  const config = opt.get('config');
  const options: Record<string, unknown> = {};
  // The class's own schema says which keys exist and what kind each is; its constructor checks the ranges.
  for (const key of config.keys()) {
    const f = config.get(key);
    const spec = Object.hasOwn(entry.schema, key) ? entry.schema[key] : undefined;
    if (spec === undefined) f.fail(`absent (not an option of ${className})`);
    if (key === 'learningRate' && f.value !== null && typeof f.value === 'object') {
      // A schedule: { className, config } with numbers (and booleans, number lists) only.
      f.object();
      const scheduleClass = f.get('className').oneOf(SCHEDULE_CLASS_NAMES);
      const c = f.get('config').object();
      const entries = c.keys().map((k) => {
        const v = c.get(k);
        return [k, typeof v.value === 'boolean' ? v.boolean() : Array.isArray(v.value) ? v.array(10_000).map((e) => e.number()) : v.number()] as const;
      });
      options[key] = build(f, () => scheduleFromConfig(scheduleClass, Object.fromEntries(entries)));
      continue;
    }
    options[key] = spec!.kind === 'boolean' ? f.boolean() : f.number();
  }
  const optimizer = build(config, () => entry.make(options));
  const lossField = field.get('loss');
  const nameField = lossField.get('name');
  const loss = { name: nameField.string(64), fromLogits: lossField.get('fromLogits').boolean() };
  if (!LOSS_NAMES.includes(loss.name)) nameField.fail(LOSS_CHOICES); // named here, before resolveLoss's own message
  const resolved = build(lossField, () => resolveLoss(loss));
  const metricsField = field.get('metrics');
  const metrics = metricsField.array(16, 'an array of metric names').map((m) => {
    const name = m.string(64);
    if (!METRIC_NAMES.includes(name)) m.fail(METRIC_CHOICES);
    return name;
  });
  // What compile would refuse ('accuracy' with mse, a name twice) fails here, naming the field.
  build(metricsField, () => resolveMetrics(metrics, resolved));
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
  // Named here, before resolveLoss's own message; compile receives the camelCase spelling.
  if (!LOSS_NAMES.includes(loss) || !LOSS_NAMES.includes(toCamel(loss))) lossField.fail(LOSS_CHOICES);
  const resolved = build(lossField, () => resolveLoss(loss));
  const m = field.get('metrics');
  let metrics: string[] = [];
  if (Array.isArray(m.value)) {
    metrics = m.array(16).map((f) => {
      const name = toCamel(f.string(64));
      if (!METRIC_NAMES.includes(name)) f.fail(`${METRIC_CHOICES} (or Keras's snake_case spelling)`);
      return name;
    });
  } else if (!m.isMissing() && m.keys().length > 0) m.fail('a list of metric names (per-output metrics are not supported)');
  build(m, () => resolveMetrics(metrics, resolved));
  return { optimizer, loss: toCamel(loss), metrics, tfjsSlots };
}

/** Keras snake_case metric names → sinew's ('binary_accuracy' → 'binaryAccuracy'); 'acc' stays. */
function toCamel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
