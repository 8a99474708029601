// Assertions on scenario results, shared by the Node-side runtime tests and the browser project
// (so nothing here imports node:*): weights equal bit for bit within each backend label (a label is
// a promise about the numbers, whichever runtime prints it), and the loss falls. Also the report line.

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

/** Node's results per WASM build, as global_setup.ts and the browser's nodeReference command give them. */
export type References = Record<'wasm-relaxed' | 'wasm-simd', ScenarioResult>;

/**
 * Same label, same bits: `actual` carries the label init() gave it (`backend`), and its weights must
 * equal Node's for that label. So a runtime that names a build by file rather than by what it computes
 * (Bun calling its unfused relaxed build 'wasm-relaxed') fails here.
 */
export function expectSameWeightsAsLabel(actual: ScenarioResult, references: References, what: string): void {
  expect(Object.keys(references), `${what}: init() chose ${actual.backend}, which Node has no reference for`).toContain(actual.backend);
  const reference = references[actual.backend as keyof References];
  expectSameWeights(actual, reference, `${what}: ${actual.backend} vs ${reference.runtime} ${reference.backend}`);
}

/** The report line of one runtime: each result's label with its weights' hash (equal to Node's for that label), then the loss and timings. */
export function reportLine(runtime: string, auto: ScenarioResult, simd: ScenarioResult, timing = ''): string {
  return (
    `${runtime.padEnd(14)} auto ${auto.backend.padEnd(12)} ${auto.hash}, wasm-simd ${simd.hash} (each = node's for its label); ` +
    `loss ${auto.losses[0]!.toFixed(3)} -> ${auto.losses.at(-1)!.toFixed(3)}; scenario ${auto.ms} ms${timing ? `, ${timing}` : ''}`
  );
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
