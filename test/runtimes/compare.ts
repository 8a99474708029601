// Assertions on scenario results, shared by the Node-side runtime tests and the browser project
// (so nothing here imports node:*): weights equal bit for bit, and the loss falls.

import { expect } from 'vitest';
import type { ScenarioResult } from './scenario.mjs';

/** The float32 bit patterns of `values` (exact floats survive JSON), so -0, NaN payloads and 1 ulp all count. */
export function float32Bits(values: number[]): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}

/** Asserts bit-identical weights; on failure names the first differing index and both values. */
export function expectSameWeights(actual: ScenarioResult, reference: ScenarioResult, what: string): void {
  expect(actual.weights.length, `${what}: number of weights`).toBe(reference.weights.length);
  const a = float32Bits(actual.weights);
  const r = float32Bits(reference.weights);
  const first = a.findIndex((bits, i) => bits !== r[i]);
  const detail = first < 0 ? '' : `first difference at weight ${first}: ${actual.weights[first]} vs ${reference.weights[first]}`;
  expect(first, `${what}: weights differ from the reference (${actual.hash} vs ${reference.hash}); ${detail}`).toBe(-1);
}

/** Training made progress: the last epoch's loss is well below the first's, and every loss is finite. */
export function expectLossFalls(result: ScenarioResult): void {
  const { losses } = result;
  expect(losses.length).toBeGreaterThan(1);
  for (const loss of losses) expect(Number.isFinite(loss), `loss ${loss} is finite`).toBe(true);
  expect(losses[losses.length - 1], `losses ${losses.join(', ')}`).toBeLessThan(0.8 * losses[0]);
}

/** The in-memory save → load kept predictions bit for bit, and the copy trained one more epoch exactly as the original. */
export function expectSaveLoadExact(result: ScenarioResult): void {
  expect(result.saveLoad, `${result.runtime}: save/load result`).toEqual({ samePredictions: true, sameAfterOneMoreEpoch: true, weightBytes: result.saveLoad.weightBytes });
  // The weights, Adam's two slots for each, and the step counter, 4 bytes each.
  const n = result.weightShapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
  expect(result.saveLoad.weightBytes).toBe((3 * n + 1) * 4);
}
