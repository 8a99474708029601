// BatchNormalization and LayerNormalization over the last axis (channels-last, Keras's axis = −1).
// BatchNormalization normalises each channel by the batch's statistics in training and by its moving
// statistics in inference; the moving statistics are non-trainable state, updated only after a step
// has passed its checks (updateState), never touched by the optimizer, clipping or regularisation.
// A frozen BatchNormalization (trainable = false) runs in inference mode, also inside fit (Keras 3).
// LayerNormalization normalises each sample's last axis. Weight order is Keras's: gamma, beta,
// moving_mean, moving_variance.

import type { Kernels } from '../backend/abi.js';
import { checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';
import { resolveInitializer, type Initializer } from '../initializers.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import type { ConfigReader } from './config_reader.js';
import { readInitializer, readRegularizer, writeInitializer, writeRegularizer } from './keras_values.js';
import { BASE_KEYS, formatShape, lastAxis, Layer, shapeSize, type BaseLayerOptions, type BufferDecl, type LayerBuffers, type LayerBuild, type Shape, type WeightDecl } from './layer.js';

interface AffineOptions extends BaseLayerOptions {
  /** Normalised axis: the last (−1, or its index counting the batch axis, as Keras writes it); default −1. */
  axis?: number;
  epsilon?: number;
  /** Add the learned offset beta; default true. */
  center?: boolean;
  /** Multiply by the learned scale gamma; default true. */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
  betaRegularizer?: Regularizer;
  gammaRegularizer?: Regularizer;
}
const AFFINE_KEYS = [...BASE_KEYS, 'axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer'];

export interface BatchNormalizationOptions extends AffineOptions {
  /** Moving statistics: moving = momentum·moving + (1 − momentum)·batch; default 0.99. */
  momentum?: number;
  movingMeanInitializer?: string | Initializer;
  movingVarianceInitializer?: string | Initializer;
}
export type LayerNormalizationOptions = AffineOptions;

/** The learned affine part both layers share: options, weights, Keras config. */
abstract class AffineNormalization extends Layer {
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | undefined;
  readonly gammaRegularizer: Regularizer | undefined;

  protected constructor(owner: string, base: string, options: AffineOptions, keys: readonly string[]) {
    if (options === null || typeof options !== 'object') throw new SinewError(`${owner}: expected an options object, received ${describe(options)}`);
    checkOptionKeys(owner, options, keys);
    super(owner, base, options);
    const axis = options.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis) || (axis !== -1 && axis < 1)) {
      throw new SinewError(`${owner}: expected \`axis\` to be -1 (the last axis; channels-last), received ${describe(options.axis)}`);
    }
    this.axis = axis;
    this.epsilon = checkNumber(owner, 'epsilon', options.epsilon ?? 1e-3, { min: 0, minOpen: true, max: 1e6 });
    this.center = readBoolean(owner, 'center', options.center);
    this.scale = readBoolean(owner, 'scale', options.scale);
    this.betaInitializer = resolveInitializer(options.betaInitializer ?? 'zeros', owner, 'betaInitializer');
    this.gammaInitializer = resolveInitializer(options.gammaInitializer ?? 'ones', owner, 'gammaInitializer');
    this.betaRegularizer = checkRegularizer(owner, 'betaRegularizer', options.betaRegularizer);
    this.gammaRegularizer = checkRegularizer(owner, 'gammaRegularizer', options.gammaRegularizer);
  }

  protected affineWeights(inputShape: Shape): WeightDecl[] {
    if (inputShape.length === 0) throw new SinewError(`${this.className} '${this.name}': expected an input with a feature axis, received shape ${formatShape(inputShape)}`);
    // Counting the batch axis, the last axis of a sample of rank r is r (Keras's positive form).
    if (this.axis !== -1 && this.axis !== inputShape.length) {
      throw new SinewError(`${this.className} '${this.name}': expected \`axis\` to be the last axis (-1 or ${inputShape.length} for input shape ${formatShape(inputShape)}), received ${this.axis}; only the last axis is supported`);
    }
    const C = inputShape[inputShape.length - 1];
    const w: WeightDecl[] = [];
    if (this.scale) w.push({ name: 'gamma', shape: [C], initializer: this.gammaInitializer, fans: [C, C], regularizer: this.gammaRegularizer, trainable: true });
    if (this.center) w.push({ name: 'beta', shape: [C], initializer: this.betaInitializer, fans: [C, C], regularizer: this.betaRegularizer, trainable: true });
    return w;
  }
  protected gamma(b: LayerBuffers): number {
    return this.scale ? b.w[0] : 0;
  }
  protected beta(b: LayerBuffers): number {
    return this.center ? b.w[this.scale ? 1 : 0] : 0;
  }
  /** Adds the regularisers' gradients to the trained affine weights. */
  protected regularize(k: Kernels, b: LayerBuffers, C: number): void {
    if (this.scale && this.gammaRegularizer && b.dw[0] !== 0) k.l1l2_backward(b.dw[0], b.w[0], C, this.gammaRegularizer.l1, this.gammaRegularizer.l2);
    const j = this.scale ? 1 : 0;
    if (this.center && this.betaRegularizer && b.dw[j] !== 0) k.l1l2_backward(b.dw[j], b.w[j], C, this.betaRegularizer.l1, this.betaRegularizer.l2);
  }
  protected affineKeras(): Record<string, unknown> {
    return {
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: writeInitializer(this.betaInitializer),
      gamma_initializer: writeInitializer(this.gammaInitializer),
      beta_regularizer: writeRegularizer(this.betaRegularizer),
      gamma_regularizer: writeRegularizer(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
  protected affineConfig(): Record<string, unknown> {
    return { name: this.name, epsilon: this.epsilon, center: this.center, scale: this.scale, trainable: this.trainable };
  }
}

function readBoolean(owner: string, arg: string, value: unknown): boolean {
  const v = value ?? true;
  if (typeof v !== 'boolean') throw new SinewError(`${owner}: expected \`${arg}\` to be a boolean, received ${describe(v)}`);
  return v;
}

/** Keras config fields both layers read: axis −1 only, epsilon, center, scale, initializers, regularizers. */
function readAffine(c: ConfigReader): AffineOptions {
  // Keras writes -1 or the positive index, alone or in a list of one; build checks it is the last axis.
  const field = c.get('axis');
  const one = Array.isArray(field.value) ? field.array(1, 'one axis')[0] : field;
  const axis = one.isMissing() ? -1 : one.int(-1, 8);
  if (axis === 0) one.fail('-1 (the last axis; axis 0 is the batch)');
  for (const key of ['beta_constraint', 'gamma_constraint']) c.get(key).unsupported(key);
  return {
    axis,
    epsilon: c.get('epsilon').optional((f) => f.number(1e-30, 1e6), 1e-3),
    center: c.get('center').optional((f) => f.boolean(), true),
    scale: c.get('scale').optional((f) => f.boolean(), true),
    betaInitializer: readInitializer(c.get('beta_initializer'), 'zeros'),
    gammaInitializer: readInitializer(c.get('gamma_initializer'), 'ones'),
    betaRegularizer: readRegularizer(c.get('beta_regularizer')),
    gammaRegularizer: readRegularizer(c.get('gamma_regularizer')),
  };
}

/** @example model.add(new BatchNormalization());   // after a Dense, before its activation or after */
export class BatchNormalization extends AffineNormalization {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;

  constructor(options: BatchNormalizationOptions = {}) {
    super('BatchNormalization', 'batch_normalization', options, [...AFFINE_KEYS, 'momentum', 'movingMeanInitializer', 'movingVarianceInitializer']);
    this.momentum = checkNumber('BatchNormalization', 'momentum', options.momentum ?? 0.99, { min: 0, max: 1, maxOpen: true });
    this.movingMeanInitializer = resolveInitializer(options.movingMeanInitializer ?? 'zeros', 'BatchNormalization', 'movingMeanInitializer');
    this.movingVarianceInitializer = resolveInitializer(options.movingVarianceInitializer ?? 'ones', 'BatchNormalization', 'movingVarianceInitializer');
  }

  build(inputShape: Shape): LayerBuild {
    const weights = this.affineWeights(inputShape);
    const C = inputShape[inputShape.length - 1];
    weights.push({ name: 'moving_mean', shape: [C], initializer: this.movingMeanInitializer, fans: [C, C], trainable: false });
    weights.push({ name: 'moving_variance', shape: [C], initializer: this.movingVarianceInitializer, fans: [C, C], trainable: false });
    // The batch's mean and variance (for backward and the moving update), and the column sums the
    // backward needs even when there is no gamma or beta to receive them.
    const buffers: BufferDecl[] = [
      { name: 'mean', perSample: 0, fixed: C },
      { name: 'variance', perSample: 0, fixed: C },
      { name: 'sum_dy_xhat', perSample: 0, fixed: C },
      { name: 'sum_dy', perSample: 0, fixed: C },
    ];
    return { outputShape: inputShape, weights, buffers };
  }

  private moving(b: LayerBuffers): [number, number] {
    const at = (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    return [b.w[at], b.w[at + 1]];
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number {
    const { rows, features: C } = lastAxis(this.inputShape, M);
    if (training && this.trainable) {
      k.batchnorm_forward(b.y, b.saved[0], b.saved[1], x, this.gamma(b), this.beta(b), rows, C, this.epsilon);
    } else {
      const [mean, variance] = this.moving(b);
      k.batchnorm_inference(b.y, x, this.gamma(b), this.beta(b), mean, variance, rows, C, this.epsilon);
    }
    return b.y;
  }

  backward(k: Kernels, b: LayerBuffers, x: number, M: number, dx: number): void {
    const { rows, features: C } = lastAxis(this.inputShape, M);
    if (!this.trainable) {
      // Inference mode (frozen): y is affine in x with the moving statistics.
      if (dx !== 0) k.batchnorm_inference_backward(dx, b.dy, this.gamma(b), this.moving(b)[1], rows, C, this.epsilon);
      return;
    }
    const dgamma = this.scale ? b.dw[0] : b.saved[2];
    const dbeta = this.center ? b.dw[this.scale ? 1 : 0] : b.saved[3];
    k.batchnorm_backward(dx, dgamma, dbeta, b.dy, x, this.gamma(b), b.saved[0], b.saved[1], rows, C, this.epsilon);
    this.regularize(k, b, C);
  }

  override hasStateUpdate(): boolean {
    return true;
  }
  /** Keras: moving = moving·momentum + batch·(1 − momentum), with the biased batch variance. */
  override updateState(k: Kernels, b: LayerBuffers): void {
    if (!this.trainable) return;
    const C = this.inputShape[this.inputShape.length - 1];
    const [mean, variance] = this.moving(b);
    k.scale(mean, C, this.momentum);
    k.axpy(mean, b.saved[0], C, 1 - this.momentum);
    k.scale(variance, C, this.momentum);
    k.axpy(variance, b.saved[1], C, 1 - this.momentum);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.affineConfig(), momentum: this.momentum };
  }
  kerasConfig(): Record<string, unknown> {
    return {
      ...this.affineKeras(),
      momentum: this.momentum,
      moving_mean_initializer: writeInitializer(this.movingMeanInitializer),
      moving_variance_initializer: writeInitializer(this.movingVarianceInitializer),
    };
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): BatchNormalization {
    c.get('renorm').optional((f) => (f.boolean() ? f.fail('false (batch renormalisation is not supported by sinew)') : false), false);
    c.get('synchronized').optional((f) => f.boolean(), false);
    return new BatchNormalization({
      ...base,
      ...readAffine(c),
      momentum: c.get('momentum').optional((f) => f.number(0, 0.999999), 0.99),
      movingMeanInitializer: readInitializer(c.get('moving_mean_initializer'), 'zeros'),
      movingVarianceInitializer: readInitializer(c.get('moving_variance_initializer'), 'ones'),
    });
  }
}

/** @example model.add(new LayerNormalization());   // per sample, over the last axis */
export class LayerNormalization extends AffineNormalization {
  readonly className = 'LayerNormalization';

  constructor(options: LayerNormalizationOptions = {}) {
    super('LayerNormalization', 'layer_normalization', options, AFFINE_KEYS);
  }

  build(inputShape: Shape): LayerBuild {
    const weights = this.affineWeights(inputShape);
    const rowsPerSample = shapeSize(inputShape) / inputShape[inputShape.length - 1];
    return { outputShape: inputShape, weights, buffers: [{ name: 'mean', perSample: rowsPerSample, fixed: 0 }, { name: 'rstd', perSample: rowsPerSample, fixed: 0 }] };
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number): number {
    const { rows, features: C } = lastAxis(this.inputShape, M);
    k.layernorm_forward(b.y, b.saved[0], b.saved[1], x, this.gamma(b), this.beta(b), rows, C, this.epsilon);
    return b.y;
  }

  backward(k: Kernels, b: LayerBuffers, x: number, M: number, dx: number): void {
    const { rows, features: C } = lastAxis(this.inputShape, M);
    const dgamma = this.scale ? b.dw[0] : 0;
    const dbeta = this.center ? b.dw[this.scale ? 1 : 0] : 0;
    k.layernorm_backward(dx, dgamma, dbeta, b.dy, x, this.gamma(b), b.saved[0], b.saved[1], rows, C);
    this.regularize(k, b, C);
  }

  getConfig(): Record<string, unknown> {
    return this.affineConfig();
  }
  kerasConfig(): Record<string, unknown> {
    return this.affineKeras();
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): LayerNormalization {
    c.get('rms_scaling').optional((f) => (f.boolean() ? f.fail('false (RMS scaling is not supported by sinew)') : false), false);
    return new LayerNormalization({ ...base, ...readAffine(c) });
  }
}
