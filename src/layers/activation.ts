// Activation: a layer that only applies an activation, y = act(x) (Keras Activation). As the last
// layer with softmax or sigmoid it fuses with the loss exactly as a Dense activation does.

import type { Kernels } from '../backend/abi.js';
import { resolveActivation, type ActivationSpec, type ResolvedActivation } from '../activations.js';
import { checkOptionKeys } from '../errors.js';
import { Layer, type BaseLayerOptions } from './layer.js';

/**
 * @example model.add(new Activation('softmax'));
 */
export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ResolvedActivation;
  /** @internal input pointer of the last forward. */ private x = 0;

  constructor(activation: ActivationSpec, options: BaseLayerOptions = {}) {
    checkOptionKeys('Activation', options, ['inputDim', 'inputShape', 'name']);
    super('Activation', 'activation', options);
    this.activation = resolveActivation(activation, 'Activation');
  }

  outputDim(inDim: number): number {
    return inDim;
  }
  /** Buffers: output, gradient. */
  bufferCount(): number {
    return 2;
  }
  override outputActivation(): ResolvedActivation {
    return this.activation;
  }
  output(): number {
    return this.bufs[0];
  }
  outputGradient(): number {
    return this.bufs[1];
  }

  forward(k: Kernels, x: number, M: number): number {
    this.x = x;
    const act = this.activation;
    if (act.kind === 'softmax') k.softmax_forward(this.bufs[0], x, M, this.outDim);
    else k.activation_forward(this.bufs[0], x, M * this.outDim, act.code, act.alpha);
    return this.bufs[0];
  }

  override forwardLogits(_k: Kernels, x: number): number {
    this.x = x;
    return x; // the pre-activation is this layer's input
  }
  override logits(): number {
    return this.x;
  }
  override logitsGradient(dx: number): number {
    return dx; // d(loss)/d(pre-activation) is d(loss)/d(input): the fused loss writes it there
  }

  backward(k: Kernels, M: number, dx: number, fromLogits: boolean): void {
    if (fromLogits || dx === 0) return;
    const act = this.activation;
    const g = this.bufs[1];
    if (act.kind === 'softmax') k.softmax_backward(dx, g, this.bufs[0], M, this.outDim);
    else k.activation_backward(dx, g, this.x, this.bufs[0], M * this.outDim, act.code, act.alpha);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, activation: this.activation.name };
  }
}
