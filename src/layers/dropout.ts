// Dropout (inverted, as Keras): in training y = x·mask with mask ∈ {0, 1/(1 − rate)} drawn by the
// dropout_forward kernel from a seed and an element offset the model advances; in inference the
// layer is the identity and hands its input pointer on (no copy).

import type { Kernels } from '../backend/abi.js';
import { checkInteger, checkNumber, checkOptionKeys } from '../errors.js';
import { Layer, type BaseLayerOptions } from './layer.js';

export interface DropoutOptions extends BaseLayerOptions {
  /** Seeds this layer's masks (mixed with the fit seed); default: derived from the model seed. */
  seed?: number;
}

/**
 * @example model.add(new Dropout(0.2));
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  /** @internal mask seed and element offset for the next call; the model sets them each epoch. */ maskSeed = 0;
  /** @internal */ maskOffset = 0;

  constructor(rate: number, options: DropoutOptions = {}) {
    checkOptionKeys('Dropout', options, ['inputDim', 'inputShape', 'name', 'seed']);
    super('Dropout', 'dropout', options);
    this.rate = checkNumber('Dropout', 'rate', rate, { min: 0, max: 1, maxOpen: true });
    this.seed = options.seed === undefined ? undefined : checkInteger('Dropout', 'seed', options.seed, 0);
  }

  outputDim(inDim: number): number {
    return inDim;
  }
  /** Buffers: output, mask, gradient. */
  bufferCount(): number {
    return 3;
  }
  output(): number {
    return this.bufs[0];
  }
  outputGradient(): number {
    return this.bufs[2];
  }

  forward(k: Kernels, x: number, M: number, training: boolean): number {
    if (!training) return x;
    const n = M * this.outDim;
    k.dropout_forward(this.bufs[0], this.bufs[1], x, n, this.rate, this.maskSeed, this.maskOffset);
    this.maskOffset += n;
    return this.bufs[0];
  }

  backward(k: Kernels, M: number, dx: number): void {
    if (dx !== 0) k.mul(dx, this.bufs[2], this.bufs[1], M * this.outDim); // dx = dy ⊙ mask
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, seed: this.seed };
  }
}
