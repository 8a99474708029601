// Dense: y = act(x·W + b), W[in, units], b[units] (Keras Dense). Forward, training or not, writes A
// directly with the fused dense_forward epilogue when the backward needs only A (linear, relu,
// leakyRelu, sigmoid, tanh, elu: activation_backward reads y; softmax: softmax_backward and the
// fused loss read only p). Z = x·W + b is kept in a buffer of its own only for gelu/silu (their
// backward reads x) and for a sigmoid output layer (the sigmoid + binaryCrossentropy head takes its
// gradient from the logits). Backward: dZ, dW = xᵀ·dZ, db = Σ rows dZ, dx = dZ·Wᵀ.

import { ACT, type Kernels } from '../backend/abi.js';
import { resolveActivation, type ActivationSpec, type ResolvedActivation } from '../activations.js';
import { checkInteger, checkOptionKeys, describe } from '../errors.js';
import { resolveInitializer, type Initializer } from '../initializers.js';
import { checkRegularizer, type Regularizer } from '../regularizers.js';
import { Layer, type BaseLayerOptions, type ParamSpec } from './layer.js';

export interface DenseOptions extends BaseLayerOptions {
  /** Name ('relu') or { name, alpha }; default 'linear'. */
  activation?: ActivationSpec;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

const KEYS = ['inputDim', 'inputShape', 'name', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'];
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
  /** @internal input pointer of the last forward (backward reads it). */ private x = 0;

  constructor(units: number, options: DenseOptions = {}) {
    checkOptionKeys('Dense', options, KEYS);
    super('Dense', 'dense', options);
    this.units = checkInteger('Dense', 'units', units);
    this.activation = resolveActivation(options.activation ?? DEFAULTS.activation, 'Dense');
    const useBias = options.useBias ?? DEFAULTS.useBias;
    if (typeof useBias !== 'boolean') throw new Error(`Dense: expected \`useBias\` to be a boolean, received ${describe(useBias)}`);
    this.useBias = useBias;
    this.kernelInitializer = resolveInitializer(options.kernelInitializer ?? DEFAULTS.kernelInitializer, 'Dense', 'kernelInitializer');
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? DEFAULTS.biasInitializer, 'Dense', 'biasInitializer');
    this.kernelRegularizer = checkRegularizer('Dense', 'kernelRegularizer', options.kernelRegularizer);
    this.biasRegularizer = checkRegularizer('Dense', 'biasRegularizer', options.biasRegularizer);
  }

  outputDim(): number {
    return this.units;
  }
  override fixedOutputDim(): number {
    return this.units;
  }

  override paramSpecs(inDim: number): ParamSpec[] {
    const specs: ParamSpec[] = [{ name: 'kernel', shape: [inDim, this.units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer }];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return specs;
  }

  /** Buffers: A, gradient, and Z when it is kept (see keepsLogits). */
  bufferCount(isOutput: boolean): number {
    return this.keepsLogits(isOutput) ? 3 : 2;
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
  /** Z's own buffer, or 0 when the plan gave the layer none (then Z is never written). */
  private get z(): number {
    return this.bufs.length > 2 ? this.bufs[2] : 0;
  }
  private get g(): number {
    return this.bufs[1];
  }
  output(): number {
    return this.bufs[0];
  }
  outputGradient(): number {
    return this.g;
  }

  forward(k: Kernels, x: number, M: number, training: boolean): number {
    const act = this.activation;
    const a = this.output();
    if (act.kind === 'elementwise' && (!training || this.z === 0)) {
      // One pass: the epilogue writes A (bit-identical to Z then activation_forward: the epilogue is
      // activation_forward itself, whose result does not depend on where an element falls).
      this.x = x;
      k.dense_forward(a, x, this.params[0], this.useBias ? this.params[1] : 0, M, this.inDim, this.units, act.code, act.alpha);
      return a;
    }
    const z = this.forwardLogits(k, x, M);
    if (act.kind === 'softmax') k.softmax_forward(a, z, M, this.units); // z is a itself: in place (allowed)
    else k.activation_forward(a, z, M * this.units, act.code, act.alpha);
    return a;
  }

  /** Z into its own buffer when the layer keeps one, else into A (the fused softmax loss then overwrites it with p in place). */
  override forwardLogits(k: Kernels, x: number, M: number): number {
    this.x = x;
    const z = this.z !== 0 ? this.z : this.output();
    k.dense_forward(z, x, this.params[0], this.useBias ? this.params[1] : 0, M, this.inDim, this.units, ACT.linear, 0);
    return z;
  }

  /** The logits of the last training forward; only a layer that keeps Z has them after its activation ran. */
  override logits(): number {
    if (this.z === 0) throw new Error(`Dense '${this.name}': internal error, the plan keeps no logits buffer for this layer`);
    return this.z;
  }

  override logitsGradient(): number {
    return this.g;
  }

  backward(k: Kernels, M: number, dx: number, fromLogits: boolean): void {
    const K = this.inDim;
    const N = this.units;
    const g = this.g;
    const act = this.activation;
    if (!fromLogits) {
      // g holds dA; turn it into dZ in place (both kernels allow dx to alias dy).
      if (act.kind === 'softmax') k.softmax_backward(g, g, this.output(), M, N);
      // relu…elu read only A; gelu/silu read only Z (kept for them); linear reads neither.
      else if (act.code !== ACT.linear) k.activation_backward(g, g, this.z !== 0 ? this.z : this.output(), this.output(), M * N, act.code, act.alpha);
    }
    k.matmul_tn(this.grads[0], this.x, g, K, M, N, 0); // dW[K,N] = xᵀ[K,M]·dZ[M,N]
    const kr = this.kernelRegularizer;
    if (kr) k.l1l2_backward(this.grads[0], this.params[0], K * N, kr.l1, kr.l2);
    if (this.useBias) {
      k.col_sum(this.grads[1], g, M, N, 0); // db[N] = Σ_rows dZ
      const br = this.biasRegularizer;
      if (br) k.l1l2_backward(this.grads[1], this.params[1], N, br.l1, br.l2);
    }
    if (dx !== 0) k.matmul_nt(dx, g, this.params[0], M, N, K, 0); // dx[M,K] = dZ[M,N]·W[K,N]ᵀ
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
    };
  }
}
