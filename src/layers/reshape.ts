// Flatten and Reshape: a new per-sample shape over the same memory. Both declare that their output
// is their input and that their gradient passes through, so the plan gives them no buffer and a
// step spends no kernel call on them.

import { checkOptionKeys, describe, SinewError } from '../errors.js';
import type { ConfigReader } from './config_reader.js';
import { LIMITS } from './limits.js';
import { BASE_KEYS, checkWidth, formatShape, Layer, shapeSize, type BaseLayerOptions, type LayerBuffers, type LayerBuild, type Shape } from './layer.js';

/** [M, …dims] → [M, Π dims]. @example model.add(new Flatten({ inputShape: [28, 28] })); */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(options: BaseLayerOptions = {}) {
    checkOptionKeys('Flatten', options, BASE_KEYS);
    super('Flatten', 'flatten', options);
  }

  build(inputShape: Shape): LayerBuild {
    if (inputShape.length === 0) throw new SinewError(`Flatten '${this.name}': expected an input of rank ≥ 1 per sample, received shape ${formatShape(inputShape)}`);
    return { outputShape: [shapeSize(inputShape)], weights: [], buffers: [], outputIsInput: true, gradientPassesThrough: true };
  }

  forward(_k: unknown, _b: LayerBuffers, x: number): number {
    return x;
  }
  backward(): void {}

  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
  kerasConfig(): Record<string, unknown> {
    return { data_format: 'channels_last' };
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): Flatten {
    c.get('data_format').optional((f) => f.oneOf(['channels_last']), 'channels_last');
    return new Flatten(base);
  }
}

export interface ReshapeOptions extends BaseLayerOptions {
  /** The per-sample output shape; one entry may be −1 (inferred from the element count). */
  targetShape: readonly number[];
}

/** [M, …dims] → [M, …targetShape] with the same element count. @example new Reshape({ targetShape: [7, 112] }) */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    if (options === null || typeof options !== 'object') throw new SinewError(`Reshape: expected { targetShape }, received ${describe(options)}`);
    checkOptionKeys('Reshape', options, [...BASE_KEYS, 'targetShape']);
    super('Reshape', 'reshape', options);
    const t = options.targetShape;
    if (!Array.isArray(t) || t.length === 0 || t.length > 8) throw new SinewError(`Reshape: expected \`targetShape\` to be a per-sample shape such as [7, 112], received ${describe(t)}`);
    if (t.filter((d) => d === -1).length > 1) throw new SinewError(`Reshape: expected at most one −1 in \`targetShape\`, received ${formatShape(t)}`);
    this.targetShape = t.map((d, i) => (d === -1 ? -1 : checkWidth('Reshape', `targetShape[${i}]`, d)));
  }

  build(inputShape: Shape): LayerBuild {
    const n = shapeSize(inputShape);
    const known = this.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const out = this.targetShape.map((d) => (d === -1 ? n / known : d));
    if (!Number.isInteger(n / known) || shapeSize(out) !== n) {
      throw new SinewError(`Reshape '${this.name}': cannot reshape an input of shape ${formatShape(inputShape)} (${n} values per sample) to ${formatShape(this.targetShape)} (${known} values)`);
    }
    return { outputShape: out, weights: [], buffers: [], outputIsInput: true, gradientPassesThrough: true };
  }

  override fixedOutputShape(): Shape | undefined {
    return this.targetShape.includes(-1) ? undefined : this.targetShape;
  }

  forward(_k: unknown, _b: LayerBuffers, x: number): number {
    return x;
  }
  backward(): void {}

  getConfig(): Record<string, unknown> {
    return { name: this.name, targetShape: [...this.targetShape] };
  }
  kerasConfig(): Record<string, unknown> {
    return { target_shape: [...this.targetShape] };
  }
  static fromKeras(c: ConfigReader, base: BaseLayerOptions): Reshape {
    const targetShape = c.get('target_shape').array(8, 'a shape').map((d) => (d.value === -1 ? -1 : d.int(1, LIMITS.width)));
    return new Reshape({ ...base, targetShape });
  }
}
