// Activation: a layer that only applies an activation, y = act(x) (Keras Activation), and Keras's
// activation layers ReLU, LeakyReLU, ELU and Softmax, which are the same computation saved under
// their own class names. As the last layer with softmax or sigmoid it fuses with the loss exactly as
// a Dense activation does. Softmax runs over the last axis.

import type { Kernels } from '../backend/abi.js';
import { resolveActivation, type ActivationSpec, type ResolvedActivation } from '../activations.js';
import { checkNumber, checkOptionKeys, describe, SinewError } from '../errors.js';
import type { ConfigReader } from './config_reader.js';
import { readActivation, writeActivation } from './keras_values.js';
import { BASE_KEYS, lastAxis, Layer, shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape } from './layer.js';

/**
 * @example model.add(new Activation('softmax'));
 */
export class Activation extends Layer {
  readonly className: string = 'Activation';
  readonly activation: ResolvedActivation;

  constructor(activation: ActivationSpec, options: BaseLayerOptions = {}, owner = 'Activation', base = 'activation') {
    checkOptionKeys(owner, options, BASE_KEYS);
    super(owner, base, options);
    this.activation = resolveActivation(activation, owner);
  }

  build(inputShape: Shape): LayerBuild {
    return { outputShape: inputShape, weights: [], buffers: [] };
  }

  override outputActivation(): ResolvedActivation {
    return this.activation;
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number): number {
    const act = this.activation;
    if (act.kind === 'softmax') {
      const { rows, features } = lastAxis(this.inputShape, M);
      k.softmax_forward(b.y, x, rows, features);
    } else {
      k.activation_forward(b.y, x, M * shapeSize(this.inputShape), act.code, act.alpha);
    }
    return b.y;
  }

  override forwardLogits(_k: Kernels, _b: LayerBuffers, x: number): number {
    return x; // the pre-activation is this layer's input
  }
  override logits(_b: LayerBuffers, x: number): number {
    return x;
  }
  override logitsGradient(_b: LayerBuffers, dx: number): number {
    return dx; // d(loss)/d(pre-activation) is d(loss)/d(input): the fused loss writes it there
  }

  backward(k: Kernels, b: LayerBuffers, x: number, M: number, dx: number, fromLogits: boolean): void {
    if (fromLogits || dx === 0) return;
    const act = this.activation;
    if (act.kind === 'softmax') {
      const { rows, features } = lastAxis(this.inputShape, M);
      k.softmax_backward(dx, b.dy, b.y, rows, features);
    } else {
      k.activation_backward(dx, b.dy, x, b.y, M * shapeSize(this.inputShape), act.code, act.alpha);
    }
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, activation: this.activation.name };
  }

  /** Parametrised activations are written as their Keras layers, which TF.js reads; the rest by name. */
  override kerasClassName(): string {
    const act = this.activation;
    if (this.className !== 'Activation') return this.className;
    return act.name === 'leakyRelu' ? 'LeakyReLU' : act.name === 'elu' && act.alpha !== 1 ? 'ELU' : 'Activation';
  }

  kerasConfig(): Record<string, unknown> {
    const cls = this.kerasClassName();
    if (cls === 'LeakyReLU' || cls === 'ELU') return { alpha: this.activation.alpha };
    return { activation: writeActivation(this.activation).activation };
  }

  static fromKeras(c: ConfigReader, base: BaseLayerOptions): Activation {
    return new Activation(readActivation(c.get('activation'), c.get('sinew_activation_alpha')), base);
  }
}

/** max(x, 0) as a layer (Keras ReLU with its defaults). @example model.add(new ReLU()); */
export class ReLU extends Activation {
  override readonly className = 'ReLU';
  constructor(options: BaseLayerOptions = {}) {
    super('relu', options, 'ReLU', 're_lu');
  }
  override kerasConfig(): Record<string, unknown> {
    return { max_value: null, negative_slope: 0, threshold: 0 };
  }
  static override fromKeras(c: ConfigReader, base: BaseLayerOptions): ReLU {
    // Only the plain form: max(x, 0).
    c.get('max_value').unsupported('ReLU max_value');
    if (c.getAny(['negative_slope', 'alpha']).optional((f) => f.number(), 0) !== 0) c.get('negative_slope').fail('0 (use LeakyReLU for a slope)');
    if (c.get('threshold').optional((f) => f.number(), 0) !== 0) c.get('threshold').fail('0');
    return new ReLU(base);
  }
}

export interface LeakyReLUOptions extends BaseLayerOptions {
  /** Slope for x < 0; Keras's layer default 0.3. Keras 3 also calls it negativeSlope. */
  alpha?: number;
  negativeSlope?: number;
}

/** x for x ≥ 0, alpha·x below (Keras LeakyReLU, default slope 0.3). */
export class LeakyReLU extends Activation {
  override readonly className = 'LeakyReLU';
  constructor(options: LeakyReLUOptions = {}) {
    const { alpha, negativeSlope, ...base } = options ?? {};
    if (alpha !== undefined && negativeSlope !== undefined && alpha !== negativeSlope) {
      throw new SinewError(`LeakyReLU: \`alpha\` (${describe(alpha)}) and \`negativeSlope\` (${describe(negativeSlope)}) disagree`);
    }
    const slope = checkNumber('LeakyReLU', alpha !== undefined ? 'alpha' : 'negativeSlope', alpha ?? negativeSlope ?? 0.3, { min: 0, max: 1e6 });
    super({ name: 'leakyRelu', alpha: slope }, base, 'LeakyReLU', 'leaky_re_lu');
  }
  override kerasConfig(): Record<string, unknown> {
    return { alpha: this.activation.alpha };
  }
  static override fromKeras(c: ConfigReader, base: BaseLayerOptions): LeakyReLU {
    // TF.js and Keras 2 call the slope alpha, Keras 3 negative_slope; the layer's default is 0.3.
    return new LeakyReLU({ ...base, alpha: c.getAny(['alpha', 'negative_slope']).optional((f) => f.number(0, 1e6), 0.3) });
  }
}

/** x for x > 0, alpha·(eˣ − 1) below (Keras ELU, default alpha 1). */
export class ELU extends Activation {
  override readonly className = 'ELU';
  constructor(options: BaseLayerOptions & { alpha?: number } = {}) {
    const { alpha, ...base } = options ?? {};
    super({ name: 'elu', alpha: checkNumber('ELU', 'alpha', alpha ?? 1, { min: 0, max: 1e6 }) }, base, 'ELU', 'elu');
  }
  override kerasConfig(): Record<string, unknown> {
    return { alpha: this.activation.alpha };
  }
  static override fromKeras(c: ConfigReader, base: BaseLayerOptions): ELU {
    return new ELU({ ...base, alpha: c.get('alpha').optional((f) => f.number(0, 1e6), 1) });
  }
}

/** Softmax over the last axis as a layer (Keras Softmax, axis −1). */
export class Softmax extends Activation {
  override readonly className = 'Softmax';
  constructor(options: BaseLayerOptions & { axis?: number } = {}) {
    const { axis, ...base } = options ?? {};
    if (axis !== undefined && axis !== -1) throw new SinewError(`Softmax: expected \`axis\` to be -1 (the last axis), received ${describe(axis)}`);
    super('softmax', base, 'Softmax', 'softmax');
  }
  override kerasConfig(): Record<string, unknown> {
    return { axis: -1 };
  }
  static override fromKeras(c: ConfigReader, base: BaseLayerOptions): Softmax {
    const axis = c.get('axis');
    if (!axis.isMissing() && axis.value !== -1 && axis.value !== 1 && !(Array.isArray(axis.value) && axis.value.length === 1 && axis.value[0] === -1)) axis.fail('-1 (the feature axis)');
    return new Softmax(base);
  }
}
