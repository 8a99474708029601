// Dense: y = act(x·W + b), W[in, units], b[units] (Keras Dense), over the last axis of inputs of any
// rank ([M, …, in] → [M, …, units]: the leading axes are rows). Forward, training or not, writes A
// directly with the fused dense_forward epilogue when the backward needs only A (linear, relu,
// leakyRelu, sigmoid, tanh, elu: activation_backward reads y; softmax: softmax_backward and the
// fused loss read only p). Z = x·W + b is kept in a saved buffer only for gelu/silu (their backward
// reads x) and for a sigmoid output layer (the sigmoid + binaryCrossentropy head takes its gradient
// from the logits). Backward: dZ, dW = xᵀ·dZ, db = Σ rows dZ, dx = dZ·Wᵀ.

import { ACT, type Kernels } from '../backend/abi.js';
import { resolveActivation, type ActivationSpec, type ResolvedActivation } from '../activations.js';
import { checkOptionKeys, describe, SinewError } from '../errors.js';
import { resolveInitializer, type Initializer } from '../initializers.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import type { ConfigReader } from './config_reader.js';
import { readActivation, readInitializer, readRegularizer, writeActivation, writeInitializer, writeRegularizer } from './keras_values.js';
import { LIMITS } from './limits.js';
import { BASE_KEYS, checkWidth, formatShape, lastAxis, Layer, shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape, type WeightDecl } from './layer.js';

export interface DenseOptions extends BaseLayerOptions {
  /** Name ('relu') or { name, alpha }; default 'linear'. */
  activation?: ActivationSpec;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

const KEYS = [...BASE_KEYS, 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'];
// Keras defaults, written once.
const DEFAULTS = { activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' } as const;

/**
 * A fully connected layer.
 * @example
 *   model.add(new Dense(8, { inputDim: 4, activation: 'relu' }));   // [n, 4] → [n, 8]
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  constructor(units: number, options: DenseOptions = {}) {
    checkOptionKeys('Dense', options, KEYS);
    super('Dense', 'dense', options);
    this.units = checkWidth('Dense', 'units', units);
    this.activation = resolveActivation(options.activation ?? DEFAULTS.activation, 'Dense');
    const useBias = options.useBias ?? DEFAULTS.useBias;
    if (typeof useBias !== 'boolean') throw new SinewError(`Dense: expected \`useBias\` to be a boolean, received ${describe(useBias)}`);
    this.useBias = useBias;
    this.kernelInitializer = resolveInitializer(options.kernelInitializer ?? DEFAULTS.kernelInitializer, 'Dense', 'kernelInitializer');
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? DEFAULTS.biasInitializer, 'Dense', 'biasInitializer');
    this.kernelRegularizer = checkRegularizer('Dense', 'kernelRegularizer', options.kernelRegularizer);
    this.biasRegularizer = checkRegularizer('Dense', 'biasRegularizer', options.biasRegularizer);
  }

  build(inputShape: Shape, isOutput: boolean): LayerBuild {
    if (inputShape.length === 0) throw new SinewError(`Dense '${this.name}': expected an input with a feature axis, received shape ${formatShape(inputShape)}`);
    const K = inputShape[inputShape.length - 1];
    const N = this.units;
    // Keras compute_fans: a kernel [in, out] has fans (in, out); a bias [n] has (n, n).
    const weights: WeightDecl[] = [{ name: 'kernel', shape: [K, N], initializer: this.kernelInitializer, fans: [K, N], regularizer: this.kernelRegularizer, trainable: true }];
    if (this.useBias) weights.push({ name: 'bias', shape: [N], initializer: this.biasInitializer, fans: [N, N], regularizer: this.biasRegularizer, trainable: true });
    return {
      outputShape: [...inputShape.slice(0, -1), N],
      weights,
      buffers: this.keepsLogits(isOutput) ? [{ name: 'z', perSample: (shapeSize(inputShape) / K) * N, fixed: 0 }] : [],
    };
  }

  override fixedOutputShape(): Shape | undefined {
    return [this.units];
  }

  override outputActivation(): ResolvedActivation {
    return this.activation;
  }

  /**
   * Z needs a buffer of its own when the backward reads it: gelu/silu (activation_backward reads x),
   * or a sigmoid output layer (the sigmoidBce head's bce_logits_backward reads the logits; the loss
   * can change at compile without a re-plan, so any sigmoid output layer keeps Z).
   */
  private keepsLogits(isOutput: boolean): boolean {
    const act = this.activation;
    if (act.kind !== 'elementwise') return false;
    return act.code === ACT.gelu || act.code === ACT.silu || (isOutput && act.code === ACT.sigmoid);
  }

  forward(k: Kernels, b: LayerBuffers, x: number, M: number, training: boolean): number {
    const act = this.activation;
    const { rows, features: K } = lastAxis(this.inputShape, M);
    const N = this.units;
    const z = b.saved.length > 0 ? b.saved[0] : 0;
    if (act.kind === 'elementwise' && (!training || z === 0)) {
      // One pass: the epilogue writes A (bit-identical to Z then activation_forward: the epilogue is
      // activation_forward itself, whose result does not depend on where an element falls).
      k.dense_forward(b.y, x, b.w[0], this.useBias ? b.w[1] : 0, rows, K, N, act.code, act.alpha);
      return b.y;
    }
    const pre = this.forwardLogits(k, b, x, M);
    if (act.kind === 'softmax') k.softmax_forward(b.y, pre, rows, N); // pre is y itself: in place (allowed)
    else k.activation_forward(b.y, pre, rows * N, act.code, act.alpha);
    return b.y;
  }

  /** Z into its own buffer when the layer keeps one, else into A (the fused softmax loss then overwrites it with p in place). */
  override forwardLogits(k: Kernels, b: LayerBuffers, x: number, M: number): number {
    const { rows, features: K } = lastAxis(this.inputShape, M);
    const z = b.saved.length > 0 ? b.saved[0] : b.y;
    k.dense_forward(z, x, b.w[0], this.useBias ? b.w[1] : 0, rows, K, this.units, ACT.linear, 0);
    return z;
  }

  /** The logits of the last training forward; only a layer that keeps Z has them after its activation ran. */
  override logits(b: LayerBuffers): number {
    if (b.saved.length === 0) throw new SinewError(`Dense '${this.name}': internal error, the plan keeps no logits buffer for this layer`);
    return b.saved[0];
  }

  override logitsGradient(b: LayerBuffers): number {
    return b.dy;
  }

  backward(k: Kernels, b: LayerBuffers, x: number, M: number, dx: number, fromLogits: boolean): void {
    const { rows, features: K } = lastAxis(this.inputShape, M);
    const N = this.units;
    const g = b.dy;
    const act = this.activation;
    if (!fromLogits) {
      // g holds dA; turn it into dZ in place (both kernels allow dx to alias dy).
      if (act.kind === 'softmax') k.softmax_backward(g, g, b.y, rows, N);
      // relu…elu read only A; gelu/silu read only Z (kept for them); linear reads neither.
      else if (act.code !== ACT.linear) k.activation_backward(g, g, b.saved.length > 0 ? b.saved[0] : b.y, b.y, rows * N, act.code, act.alpha);
    }
    if (b.dw[0] !== 0) {
      k.matmul_tn(b.dw[0], x, g, K, rows, N, 0); // dW[K,N] = xᵀ[K,rows]·dZ[rows,N]
      const kr = this.kernelRegularizer;
      if (kr) k.l1l2_backward(b.dw[0], b.w[0], K * N, kr.l1, kr.l2);
    }
    if (this.useBias && b.dw[1] !== 0) {
      k.col_sum(b.dw[1], g, rows, N, 0); // db[N] = Σ_rows dZ
      const br = this.biasRegularizer;
      if (br) k.l1l2_backward(b.dw[1], b.w[1], N, br.l1, br.l2);
    }
    if (dx !== 0) k.matmul_nt(dx, g, b.w[0], rows, N, K, 0); // dx[rows,K] = dZ[rows,N]·W[K,N]ᵀ
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.name,
      biasInitializer: this.biasInitializer.name,
      kernelRegularizer: this.kernelRegularizer,
      biasRegularizer: this.biasRegularizer,
      trainable: this.trainable,
    };
  }

  kerasConfig(): Record<string, unknown> {
    const { activation, alpha } = writeActivation(this.activation);
    return {
      units: this.units,
      activation,
      ...(alpha === undefined ? {} : { sinew_activation_alpha: alpha }),
      use_bias: this.useBias,
      kernel_initializer: writeInitializer(this.kernelInitializer),
      bias_initializer: writeInitializer(this.biasInitializer),
      kernel_regularizer: writeRegularizer(this.kernelRegularizer),
      bias_regularizer: writeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }

  static fromKeras(c: ConfigReader, base: BaseLayerOptions): Dense {
    const units = c.get('units').int(1, LIMITS.width);
    for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) c.get(key).unsupported(key);
    return new Dense(units, {
      ...base,
      activation: readActivation(c.get('activation'), c.get('sinew_activation_alpha')),
      useBias: c.get('use_bias').optional((f) => f.boolean(), true),
      kernelInitializer: readInitializer(c.get('kernel_initializer'), 'glorotUniform'),
      biasInitializer: readInitializer(c.get('bias_initializer'), 'zeros'),
      kernelRegularizer: readRegularizer(c.get('kernel_regularizer')),
      biasRegularizer: readRegularizer(c.get('bias_regularizer')),
    });
  }
}
