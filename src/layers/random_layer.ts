// The base of layers that draw noise in training (Dropout, GaussianNoise, GaussianDropout): a seed
// option and the per-epoch hook. A layer's noise in an epoch is a function of (stream seed or its
// own seed, layer position, epoch number) and of the element offset inside the epoch, so training
// stops and resumes exactly. In inference these layers are the identity and hand their input on.

import { checkSeed } from '../errors.js';
import { deriveSeed } from '../random.js';
import type { Kernels } from '../backend/abi.js';
import { BASE_KEYS, Layer, shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape } from './layer.js';

export interface RandomLayerOptions extends BaseLayerOptions {
  /** Seeds this layer's noise (mixed with the epoch); default: derived from fit's training stream. */
  seed?: number;
}

export const RANDOM_KEYS = [...BASE_KEYS, 'seed'];

export abstract class RandomLayer extends Layer {
  readonly seed: number | undefined;
  /** @internal seed and element offset of the next draw; beginEpoch resets them. */ maskSeed = 0;
  /** @internal */ maskOffset = 0;

  protected constructor(owner: string, base: string, options: RandomLayerOptions) {
    super(owner, base, options);
    this.seed = options.seed === undefined ? undefined : checkSeed(owner, 'seed', options.seed);
  }

  override beginEpoch(streamSeed: number, layerIndex: number, epoch: number): void {
    const base = this.seed !== undefined ? deriveSeed(this.seed, 0x5eed) : deriveSeed(streamSeed, 1 + layerIndex);
    this.maskSeed = deriveSeed(base, epoch);
    this.maskOffset = 0;
  }

  /** The backward of a multiplicative mask kept in saved[0] (Dropout, GaussianDropout): dx = dy ⊙ mask. */
  backward(k: Kernels, b: LayerBuffers, _x: number, M: number, dx: number): void {
    if (dx !== 0) k.mul(dx, b.dy, b.saved[0], M * shapeSize(this.inputShape));
  }

  /** Same shape out; `mask`: one saved buffer of the output's size for the backward. */
  protected buildElementwise(inputShape: Shape, mask: boolean, gradientPassesThrough = false): LayerBuild {
    const size = inputShape.reduce((a, b) => a * b, 1);
    return { outputShape: inputShape, weights: [], buffers: mask ? [{ name: 'mask', perSample: size, fixed: 0 }] : [], gradientPassesThrough };
  }
}
