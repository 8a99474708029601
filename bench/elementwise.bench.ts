// Throughput of the flat kernels (copy, scale, axpy, sum_squares) and of every optimizer update, in
// GB/s of memory traffic, over a 784-128-10 model's parameter block (101,770 floats) and over 1M: both
// WebAssembly builds against the TypeScript twin, with tinybench medians. Verifies before timing.
// Run alone:  node --experimental-wasm-relaxed-simd --import tsx bench/elementwise.bench.ts [--quick]
// Or import runElementwiseBench / formatElementwiseTable from another runner. Matmul is benched elsewhere.

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { Backend } from '../src/backend/backend.js';
import type { Kernels } from '../src/backend/abi.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { createWasmBackend, type WasmBuildName } from '../src/backend/wasm.js';
import { WASM_FILES } from '../src/runtime/wasm_files.js';

/** Parameters of Dense(784→128) + Dense(128→10): 784·128 + 128 + 128·10 + 10. */
export const MODEL_PARAMS = 101_770;
export const SIZES = [MODEL_PARAMS, 1_000_000];

interface Case {
  name: string;
  /** bytes moved per element: 4 per float read, 4 per float written */
  bytes: number;
  /** buffers the kernel takes (all n floats), in argument order */
  buffers: number;
  run: (k: Kernels, p: number[], n: number) => unknown;
}

// Buffer roles: w (or y) first, slots next, g (or x) last. Scalars keep values finite over many calls.
const CASES: Case[] = [
  { name: 'copy', bytes: 8, buffers: 2, run: (k, [y, x], n) => k.copy(y, x, n) },
  { name: 'scale', bytes: 8, buffers: 1, run: (k, [y], n) => k.scale(y, n, 0.9999999) },
  { name: 'axpy', bytes: 12, buffers: 2, run: (k, [y, x], n) => k.axpy(y, x, n, 1e-7) },
  { name: 'sum_squares', bytes: 4, buffers: 1, run: (k, [x], n) => k.sum_squares(x, n) },
  { name: 'sgd_update', bytes: 12, buffers: 2, run: (k, [w, g], n) => k.sgd_update(w, g, n, 1e-7) },
  { name: 'momentum_update', bytes: 20, buffers: 3, run: (k, [w, v, g], n) => k.momentum_update(w, v, g, n, 1e-7, 0.9, 0) },
  { name: 'adagrad_update', bytes: 20, buffers: 3, run: (k, [w, a, g], n) => k.adagrad_update(w, a, g, n, 1e-7, 1e-7) },
  { name: 'rmsprop_update', bytes: 20, buffers: 4, run: (k, [w, s, m, g], n) => k.rmsprop_update(w, s, m, g, n, 1e-7, 0.9, 0, 1e-7) },
  { name: 'rmsprop_update (momentum)', bytes: 28, buffers: 4, run: (k, [w, s, m, g], n) => k.rmsprop_update(w, s, m, g, n, 1e-7, 0.9, 0.5, 1e-7) },
  { name: 'adam_update', bytes: 28, buffers: 4, run: (k, [w, m, v, g], n) => k.adam_update(w, m, v, g, n, 1e-7, 0.9, 0.999, 1e-7) },
];

export interface ElementwiseBenchRow {
  kernel: string;
  n: number;
  backend: string;
  /** median time of one call, microseconds */
  medianUs: number;
  /** bytes moved per call / median time */
  gbPerS: number;
}

async function loadBackends(): Promise<Backend[]> {
  const wasm = (name: WasmBuildName) => createWasmBackend(readFileSync(fileURLToPath(WASM_FILES[name])), name);
  return [createJsBackend(), await wasm('wasm-simd'), await wasm('wasm-relaxed')];
}

/** Deterministic values in [0.5, 1): positive, so slots that accumulate squares stay valid. */
function fillBuffer(b: Backend, ptr: number, n: number, salt: number): void {
  const h = b.arena.heap();
  for (let i = 0; i < n; i++) h[(ptr >> 2) + i] = 0.5 + (((i * 2654435761 + salt * 40503) >>> 0) % 1024) / 2048;
}

/** "Verifying kernel": every case on a length with a tail, each WASM build must equal the twin bit for bit. */
function verify(backends: Backend[]): void {
  const n = 1031;
  for (const c of CASES) {
    const outs = backends.map((b) => {
      const mark = b.arena.mark();
      const ptrs = Array.from({ length: c.buffers }, (_, j) => {
        const p = b.arena.alloc(n);
        fillBuffer(b, p, n, j + 1);
        return p;
      });
      const ret = c.run(b.kernels, ptrs, n);
      const h = b.arena.heap();
      const first = Array.from(h.subarray(ptrs[0] >> 2, (ptrs[0] >> 2) + n));
      b.arena.release(mark);
      return { first, ret };
    });
    for (let k = 1; k < outs.length; k++) {
      const same = outs[k].first.every((v, i) => Object.is(v, outs[0].first[i]));
      // sum_squares differs by summation order (sumTolerance), everything else is exact
      const retOk = typeof outs[0].ret !== 'number' || Math.abs((outs[k].ret as number) - (outs[0].ret as number)) <= 1e-5 * Math.abs(outs[0].ret as number);
      if (!same || !retOk) throw new Error(`verify: ${c.name} on ${backends[k].name} disagrees with the TypeScript twin`);
    }
  }
}

/** Times every case at every size on every backend; returns one row per (kernel, n, backend). */
export async function runElementwiseBench(options: { quick?: boolean; sizes?: number[]; log?: (line: string) => void } = {}): Promise<ElementwiseBenchRow[]> {
  const log = options.log ?? (() => {});
  const sizes = options.sizes ?? SIZES;
  const time = options.quick ? 60 : 400;
  const backends = await loadBackends();
  verify(backends);
  log(`verified: both WASM builds equal the TypeScript twin on all ${CASES.length} kernels`);
  const rows: ElementwiseBenchRow[] = [];
  for (const n of sizes) {
    for (const b of backends) {
      // one set of buffers per backend and size, reused by every case (4 is the most any case takes)
      const mark = b.arena.mark();
      const ptrs = Array.from({ length: 4 }, (_, j) => {
        const p = b.arena.alloc(n);
        fillBuffer(b, p, n, j + 1);
        return p;
      });
      const bench = new Bench({ time, warmupTime: time / 4, iterations: 16 });
      for (const c of CASES) {
        let sink = 0;
        bench.add(c.name, () => {
          const r = c.run(b.kernels, ptrs, n);
          if (typeof r === 'number') sink += r; // the result is read, so nothing is dead code
        });
        void sink;
      }
      await bench.run();
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== 'completed') throw new Error(`${task.name} on ${b.name}: ${result.state}`);
        const c = CASES.find((x) => x.name === task.name)!;
        const medianUs = result.latency.p50 * 1000;
        rows.push({ kernel: c.name, n, backend: b.name, medianUs, gbPerS: (c.bytes * n) / (medianUs * 1000) });
      }
      b.arena.release(mark);
      log(`timed n=${n} on ${b.name}`);
    }
  }
  return rows;
}

/** One line per (kernel, n): median µs and GB/s per backend, and WASM speed-up over the twin. */
export function formatElementwiseTable(rows: ElementwiseBenchRow[]): string {
  const backends = [...new Set(rows.map((r) => r.backend))];
  const pad = (s: string, w: number) => s.padStart(w);
  const head = ['kernel'.padEnd(27), pad('n', 8), ...backends.map((b) => pad(`${b} µs`, 16)), ...backends.map((b) => pad(`${b} GB/s`, 18)), ...backends.filter((b) => b !== 'js').map((b) => pad(`${b}/js`, 16))];
  const lines = [head.join(' ')];
  const keys = [...new Set(rows.map((r) => `${r.kernel}\u0000${r.n}`))];
  for (const key of keys) {
    const [kernel, nText] = key.split('\u0000');
    const n = Number(nText);
    const of = (b: string) => rows.find((r) => r.kernel === kernel && r.n === n && r.backend === b)!;
    const js = of('js');
    lines.push(
      [
        kernel.padEnd(27),
        pad(String(n), 8),
        ...backends.map((b) => pad(of(b).medianUs.toFixed(1), 16)),
        ...backends.map((b) => pad(of(b).gbPerS.toFixed(1), 18)),
        ...backends.filter((b) => b !== 'js').map((b) => pad(`${(js.medianUs / of(b).medianUs).toFixed(1)}×`, 16)),
      ].join(' '),
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const rows = await runElementwiseBench({ quick, log: (line) => console.error(line) });
  console.log(formatElementwiseTable(rows));
}
