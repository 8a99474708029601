// Types for scenario.mjs (plain JavaScript so that every runtime can load it unchanged).

export interface ScenarioResult {
  /** e.g. 'node 22.23.3', 'deno 2.9.6', 'bun 1.4.5', 'workerd', or the browser's user agent. */
  runtime: string;
  /** What init() chose: 'wasm-relaxed', 'wasm-simd' or 'js'. */
  backend: string;
  /** What was asked for: 'auto', a build name, or 'js'. */
  build: string;
  /** Training loss per epoch. */
  losses: number[];
  /** Accuracy of the final model on the training set. */
  accuracy: number;
  /** All final weights, layer by layer, kernel then bias (float32 values, exact as JSON numbers). */
  weights: number[];
  weightShapes: number[][];
  /** FNV-1a of the weights' float32 bytes. */
  hash: string;
  firstPrediction: number[];
  /** Wall time of the scenario inside the runtime (init included). */
  ms: number;
  /** toArtifacts → fromArtifacts: predictions equal, one more epoch on both gives equal weights; the weight bytes saved. */
  saveLoad: { samePredictions: boolean; sameAfterOneMoreEpoch: boolean; weightBytes: number };
}

export const SCENARIO: { seed: number; epochs: number; batchSize: number; learningRate: number };
export function fnv1a(floats: ArrayLike<number>): string;
export function runtimeName(): string;
export function runFileRoundTrip(pkg: { sinew: unknown }, dir: string): Promise<{ files: { samePredictions: boolean; sameOptimizer: boolean; runtime: string } }>;
export function runScenario(pkg: { sinew: unknown; datasets: unknown }, options?: { build?: 'auto' | 'wasm-relaxed' | 'wasm-simd' | 'js' }): Promise<ScenarioResult>;
