// The two benchmark models, written once as data so that every contender builds the same thing,
// and the FLOP counts the report divides by. Nothing here imports a library.

export type ModelId = 'A' | 'B';

export interface LayerSpec {
  units: number;
  activation: 'relu' | 'softmax';
}

export interface ModelSpec {
  id: ModelId;
  /** 784-128 relu-10 softmax, as printed in the report */
  label: string;
  inputs: number;
  layers: LayerSpec[];
}

export const MODELS: Record<ModelId, ModelSpec> = {
  A: {
    id: 'A',
    label: '784-128 relu-10 softmax',
    inputs: 784,
    layers: [
      { units: 128, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
  },
  B: {
    id: 'B',
    label: '784-512 relu-256 relu-10 softmax',
    inputs: 784,
    layers: [
      { units: 512, activation: 'relu' },
      { units: 256, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
  },
};

export const BATCH = 128;
export const LEARNING_RATE = 1e-3;

/** Σ over layers of K·N: multiply-adds of one forward pass of one row. */
export function forwardMacs(m: ModelSpec): number {
  let k = m.inputs;
  let macs = 0;
  for (const l of m.layers) {
    macs += k * l.units;
    k = l.units;
  }
  return macs;
}

/**
 * FLOPs of one training row as the effective rate counts them: 2·(forward + two backward
 * products) = 6·Σ K·N. This counts the first layer's input gradient dX = dZ·Wᵀ, which no
 * contender needs to compute; `neededTrainFlops` leaves it out.
 */
export function trainFlops(m: ModelSpec): number {
  return 6 * forwardMacs(m);
}

/** FLOPs a training row really needs: that count minus the first layer's dX product. */
export function neededTrainFlops(m: ModelSpec): number {
  return trainFlops(m) - 2 * m.inputs * m.layers[0].units;
}

export function paramCount(m: ModelSpec): number {
  let k = m.inputs;
  let n = 0;
  for (const l of m.layers) {
    n += k * l.units + l.units;
    k = l.units;
  }
  return n;
}
