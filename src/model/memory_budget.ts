// The memory a plan will need, checked before anything is laid out: WebAssembly (wasm32) memory
// ends at 4 GiB, so a plan beyond it is refused with the call, the cause and the remedy, instead of
// failing midway through a re-plan.

import { SinewError } from '../errors.js';
import type { LayerBuild } from '../layers/layer.js';
import type { Plan, PlanSize } from './plan.js';
import { planFloats } from './plan.js';

/** wasm32's limit: 65,536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws unless a plan of `size` (above `baseByte`) fits in WebAssembly's memory; says what grew and what to do. */
export function checkPlanFits(owner: string, builds: readonly LayerBuild[], inSize: number, outSize: number, size: PlanSize, old: Plan | undefined, baseByte: number): void {
  const bytes = baseByte + planFloats(builds, inSize, outSize, size) * 4;
  if (bytes <= MAX_MEMORY_BYTES) return;
  const grew = old === undefined ? 'batch' : size.batchCap > old.batchCap ? 'batch' : size.trainRows + size.valRows > old.trainRows + old.valRows ? 'data' : 'model';
  const what =
    grew === 'batch'
      ? `a batch of ${size.batchCap} rows needs ${gb(bytes)} of model memory`
      : grew === 'data'
        ? `${size.trainRows + size.valRows} rows of data (fit copies them into the model's memory) need ${gb(bytes)} of model memory`
        : `this model needs ${gb(bytes)} of memory`;
  const remedy = grew === 'batch' ? 'use a smaller batchSize' : grew === 'data' ? 'train on fewer rows per fit call' : 'use fewer or narrower layers';
  throw new SinewError(`${owner}: ${what}, more than the 4 GB WebAssembly allows; ${remedy}`);
}
