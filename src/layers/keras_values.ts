// The small values inside a Keras layer config, both ways: activation names, initializers
// ({ class_name, config }, as TF.js and Keras write them) and L1/L2 regularizers. Reading checks
// every field of an untrusted file; writing produces what TF.js's loadLayersModel reads.

import type { ActivationSpec, ResolvedActivation } from '../activations.js';
import * as inits from '../initializers.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import type { ConfigReader } from './config_reader.js';
import { SinewError } from '../errors.js';

// ---- activations -----------------------------------------------------------------------------

/** sinew name → the Keras/TF.js activation string. gelu is the tanh form, which TF.js calls 'gelu_new'. */
const ACTIVATION_TO_KERAS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  leakyRelu: 'leaky_relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  elu: 'elu',
  gelu: 'gelu_new',
  silu: 'swish',
  softmax: 'softmax',
};
const KERAS_TO_ACTIVATION: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  leaky_relu: 'leakyRelu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  elu: 'elu',
  gelu_new: 'gelu',
  swish: 'silu',
  silu: 'silu',
  softmax: 'softmax',
};
/** table[key] if it is the table's own entry: a plain lookup of 'constructor' or 'toString' finds Object.prototype's. */
function own(table: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** Keras 3 default slopes of the activation *functions* (the LeakyReLU *layer* defaults to 0.3). */
const FUNCTION_ALPHA: Record<string, number> = { leakyRelu: 0.2, elu: 1 };

/**
 * A Dense `activation` string. With a slope other than the function's default it becomes sinew's own
 * name ('sinew_elu', 'sinew_leaky_relu') plus the alpha: TF.js and Keras then refuse the file loudly
 * instead of reading 'elu' with their default slope and predicting something else.
 */
export function writeActivation(act: ResolvedActivation): { activation: string; alpha?: number } {
  const activation = ACTIVATION_TO_KERAS[act.name];
  const def = FUNCTION_ALPHA[act.name];
  return def !== undefined && act.alpha !== def ? { activation: `sinew_${activation}`, alpha: act.alpha } : { activation };
}

/** Reads an activation string (and sinew's optional alpha) into a resolved activation. */
export function readActivation(field: ConfigReader, alphaField: ConfigReader): ActivationSpec {
  const name = field.optional((f) => f.string(64), 'linear');
  if (name === 'gelu') field.fail(`'gelu_new' (the tanh approximation sinew computes; the exact erf form 'gelu' is not supported)`, `'gelu'`);
  const parametrised = name === 'sinew_elu' || name === 'sinew_leaky_relu';
  const sinewName = own(KERAS_TO_ACTIVATION, parametrised ? name.slice('sinew_'.length) : name);
  if (!sinewName) field.fail(`one of ${[...Object.keys(KERAS_TO_ACTIVATION), 'sinew_elu', 'sinew_leaky_relu'].map((n) => `'${n}'`).join(', ')}`);
  if (!parametrised) {
    if (!alphaField.isMissing()) alphaField.fail(`absent (activation '${name}' has Keras's default slope; sinew writes 'sinew_${name}' with an alpha)`);
    return sinewName;
  }
  return { name: sinewName, alpha: alphaField.number(0, 1e6) };
}

// ---- initializers ----------------------------------------------------------------------------

type KerasObject = { class_name: string; config: Record<string, unknown> };

/** VarianceScaling parameters of the named sinew initializers ('normal' is the truncated normal in TF.js and Keras). */
const VARIANCE_SCALING: Record<string, { scale: number; mode: string; distribution: string }> = {
  glorotUniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'normal' },
  heUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fan_in', distribution: 'normal' },
};

/** An initializer as TF.js writes it. Initializers sinew does not know keep the class they were read with. */
export function writeInitializer(init: Initializer): KerasObject {
  const vs = VARIANCE_SCALING[init.name];
  if (vs) return { class_name: 'VarianceScaling', config: { ...vs, seed: null } };
  switch (init.name) {
    case 'zeros':
      return { class_name: 'Zeros', config: {} };
    case 'ones':
      return { class_name: 'Ones', config: {} };
    case 'randomNormal':
      return { class_name: 'RandomNormal', config: { ...init.config, seed: null } };
    case 'randomUniform':
      return { class_name: 'RandomUniform', config: { ...init.config, seed: null } };
  }
  return { class_name: init.name, config: { ...init.config } };
}

const CLASS_TO_NAME: Record<string, string> = {
  GlorotUniform: 'glorotUniform',
  GlorotNormal: 'glorotNormal',
  HeUniform: 'heUniform',
  HeNormal: 'heNormal',
  Zeros: 'zeros',
  Ones: 'ones',
};
const STRING_TO_NAME: Record<string, string> = {
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_uniform: 'heUniform',
  he_normal: 'heNormal',
  zeros: 'zeros',
  ones: 'ones',
};

/**
 * Reads an initializer. Weights come from the file, so an initializer only matters if the model is
 * rebuilt later; one sinew lacks (Orthogonal, LecunNormal, …) is kept by name and refuses to draw.
 */
export function readInitializer(field: ConfigReader, fallback: string): Initializer {
  if (field.isMissing()) return inits[fallback as 'zeros']();
  if (typeof field.value === 'string') {
    const name = own(STRING_TO_NAME, field.value);
    if (!name) field.fail(`an initializer name such as 'glorot_uniform' or { class_name, config }`);
    return inits[name as 'zeros']();
  }
  const className = field.get('class_name').string(64);
  const config = field.get('config');
  if (!config.isMissing()) config.object();
  const known = own(CLASS_TO_NAME, className);
  if (known) return inits[known as 'zeros']();
  if (className === 'VarianceScaling') {
    const scale = config.get('scale').optional((f) => f.number(0, 1e6), 1);
    const mode = config.get('mode').optional((f) => f.oneOf(['fan_in', 'fan_out', 'fan_avg', 'fanIn', 'fanOut', 'fanAvg']), 'fan_in');
    const distribution = config.get('distribution').optional((f) => f.oneOf(['normal', 'truncated_normal', 'truncatedNormal', 'uniform', 'untruncated_normal']), 'truncated_normal');
    const m = mode.replace('fanIn', 'fan_in').replace('fanAvg', 'fan_avg').replace('fanOut', 'fan_out');
    const d = distribution === 'uniform' ? 'uniform' : distribution === 'untruncated_normal' ? 'untruncated' : 'normal';
    for (const [name, vs] of Object.entries(VARIANCE_SCALING)) {
      if (vs.scale === scale && vs.mode === m && vs.distribution === d) return inits[name as 'glorotUniform']();
    }
    return keptByName(className, { scale });
  }
  if (className === 'RandomNormal') {
    return inits.randomNormal({ mean: config.get('mean').optional((f) => f.number(), 0), stddev: config.get('stddev').optional((f) => f.number(0), 0.05) });
  }
  if (className === 'RandomUniform') {
    const minval = config.get('minval').optional((f) => f.number(), -0.05);
    const maxval = config.get('maxval').optional((f) => f.number(minval), 0.05);
    return inits.randomUniform({ minval, maxval });
  }
  return keptByName(className, {});
}

function keptByName(className: string, config: Record<string, number>): Initializer {
  return {
    name: className,
    config,
    fill() {
      throw new SinewError(`initializer '${className}' (read from a model file) is not implemented by sinew; set the weights instead`);
    },
  };
}

// ---- regularizers ----------------------------------------------------------------------------

export function writeRegularizer(r: Regularizer | undefined): KerasObject | null {
  return r ? { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : null;
}

export function readRegularizer(field: ConfigReader): Regularizer | undefined {
  if (field.isMissing()) return undefined;
  const className = field.get('class_name').oneOf(['L1L2', 'L1', 'L2']);
  const config = field.get('config');
  const coef = (key: string) => (config.isMissing() ? 0 : config.get(key).optional((f) => f.number(0, 1e6), 0));
  // Keras's L1/L2 classes default their one coefficient to 0.01.
  if (className === 'L1') return { l1: config.isMissing() || config.get('l1').isMissing() ? 0.01 : coef('l1'), l2: 0 };
  if (className === 'L2') return { l1: 0, l2: config.isMissing() || config.get('l2').isMissing() ? 0.01 : coef('l2') };
  return { l1: coef('l1'), l2: coef('l2') };
}
