// What every contender of the training benchmark implements, and the measurement protocol that
// runs on top of it in a child process (one contender × one model per process, so RSS, JIT state
// and library globals are its own). The runners (tfjs.ts, sinew.ts) only translate the protocol
// into their library's calls; timing and statistics live here, written once.

import { performance } from 'node:perf_hooks';
import type { Dataset } from './data.js';
import type { ModelSpec } from './models.js';

/** Prefix of the one stdout line a child prints: its RunResult as JSON. */
export const RESULT_MARK = '@@RESULT ';

export type ContenderId = 'sinew-wasm-relaxed' | 'sinew-wasm-simd' | 'sinew-js' | 'tfjs-wasm' | 'tfjs-cpu';

export const CONTENDERS: readonly ContenderId[] = ['sinew-wasm-relaxed', 'sinew-wasm-simd', 'sinew-js', 'tfjs-wasm', 'tfjs-cpu'];

export interface Contender {
  /** What actually ran (library, version, backend, build), for the report. */
  describe(): Record<string, string>;
  /** Builds and compiles the model (seeded glorotUniform kernels, zero biases, Adam 1e-3). */
  build(model: ModelSpec, seed: number): Promise<void>;
  /** Hands the first `rows` rows of the training set to the library, outside any timing. */
  setData(data: Dataset, rows: number): Promise<void>;
  /**
   * Trains `epochs` epochs over the rows given to setData, batch 128, shuffled; reports each epoch's
   * wall time (taken in the library's own epoch callbacks, so fit's set-up is outside) and mean loss.
   * Resolves to the seconds from calling fit to the first epoch's start (validation, copies, planning).
   */
  fit(epochs: number, onEpoch: (seconds: number, loss: number) => void): Promise<number>;
  /** Probabilities [rows, 10] for x [rows, 784], copied out of the library. */
  predict(x: Float32Array, rows: number): Float32Array;
}

export interface RunConfig {
  contender: ContenderId;
  model: ModelSpec;
  /** 'epochs': whole 60,000-row epochs; 'batches': epochs over the first `batches`·128 rows only. */
  mode: 'epochs' | 'batches';
  batches: number;
  /** measured epochs, after one warm-up epoch */
  epochs: number;
  /** calls per timed group for one-row predict, and how many groups */
  latencyCalls: number;
  latencyGroups: number;
  /** timed 1,000-row predict calls */
  throughputCalls: number;
  seed: number;
}

export interface RunResult {
  contender: ContenderId;
  model: string;
  info: Record<string, string>;
  mode: 'epochs' | 'batches';
  rowsPerEpoch: number;
  /** seconds of each epoch, warm-up first */
  epochSeconds: number[];
  /** mean training loss of each epoch, warm-up first */
  losses: number[];
  /** seconds from calling fit to its first epoch (input checks, copies into the library, planning) */
  fitSetupSeconds: number;
  /** median samples/s over the measured epochs, and their min and max */
  samplesPerSec: number;
  samplesPerSecMin: number;
  samplesPerSecMax: number;
  /** arg-max accuracy on 2,000 held-out rows after training */
  testAccuracy: number;
  /** µs per one-row predict: median over groups */
  predictLatencyUs: number;
  /** rows/s of a 1,000-row predict: median over calls */
  predictRowsPerSec: number;
  /** bytes: after making the data (before the library loads), after build+setData, and peak (ru_maxrss) */
  rssBaseline: number;
  rssReady: number;
  rssPeak: number;
  /** network requests the library attempted (they are refused): must be 0 */
  fetches: string[];
  /** CPU seconds this process used in all (user + system, all its threads) */
  cpuSeconds: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident set of this process so far, in bytes (getrusage ru_maxrss, not sampled). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** One-row predict latency: median over groups of `calls` back-to-back calls, after a warm-up. */
export function measureLatency(c: Contender, row: Float32Array, calls: number, groups: number): number {
  let sink = 0;
  for (let i = 0; i < Math.max(200, calls); i++) sink += c.predict(row, 1)[0];
  const perCall: number[] = [];
  for (let g = 0; g < groups; g++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += c.predict(row, 1)[0];
    perCall.push(((performance.now() - t0) * 1000) / calls);
  }
  if (!Number.isFinite(sink)) throw new Error('predict returned a non-finite probability');
  return median(perCall);
}

/** 1,000-row predict throughput in rows/s: median over `calls` timed calls, after 3 warm-up calls. */
export function measureThroughput(c: Contender, x: Float32Array, rows: number, calls: number): number {
  let sink = 0;
  for (let i = 0; i < 3; i++) sink += c.predict(x, rows)[0];
  const secs: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    sink += c.predict(x, rows)[0];
    secs.push((performance.now() - t0) / 1000);
  }
  if (!Number.isFinite(sink)) throw new Error('predict returned a non-finite probability');
  return rows / median(secs);
}
