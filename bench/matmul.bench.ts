// Throughput of the matrix products (matmul, matmul_nt, matmul_tn) and of dense_forward with bias and
// relu, in GFLOP/s = 2·M·K·N / median time (the epilogue's M·N operations are not counted), at the
// shapes of bench/shapes.ts: both WebAssembly builds against the TypeScript twin, tinybench medians on
// one thread. Every result is verified against a float64 triple loop before anything is timed.
// Other engineers' jobs share this machine's 2 cores: before each timing round it waits (up to
// --max-wait=30 s) for the machine to be quiet, keeps each row's best round, and reports how much CPU
// other processes took while that round ran (column "others", % of one core, worst backend).
// Run alone:  node --experimental-wasm-relaxed-simd --import tsx bench/matmul.bench.ts [--quick] [--no-wait]
// Or import runMatmulBench / formatMatmulTable from another runner (bench/run.ts runs every *.bench.ts).

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { ACT, type Kernels } from '../src/backend/abi.js';
import type { Backend } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { createWasmBackend, type WasmBuildName } from '../src/backend/wasm.js';
import { WASM_FILES } from '../src/runtime/wasm_files.js';
import { MATMUL_SHAPES, TARGET_SHAPES, type MatmulShape } from './shapes.js';
import { busySeconds, cpuSnapshot, waitForQuiet } from './train/quiet.js';

interface Case {
  name: string;
  /** calls the kernel on buffers a (M×K, or K×M for tn), b (K×N, or N×K for nt), c (M×N), bias (N) */
  run: (k: Kernels, p: Buffers, s: MatmulShape) => void;
  /** float64 reference of what `run` writes to c */
  reference: (a: Float32Array, b: Float32Array, bias: Float32Array, s: MatmulShape) => Float64Array;
}

interface Buffers {
  a: number;
  b: number;
  c: number;
  bias: number;
}

/** C = A'·B' in float64, k in order, with A'[i,k] = at(i, k) and B'[k,j] = bt(k, j). */
function product(s: MatmulShape, at: (i: number, k: number) => number, bt: (k: number, j: number) => number): Float64Array {
  const { M, K, N } = s;
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += at(i, k) * bt(k, j);
      c[i * N + j] = sum;
    }
  }
  return c;
}

const CASES: Case[] = [
  {
    name: 'matmul',
    run: (k, p, s) => k.matmul(p.c, p.a, p.b, s.M, s.K, s.N, 0),
    reference: (a, b, _, s) => product(s, (i, k) => a[i * s.K + k], (k, j) => b[k * s.N + j]),
  },
  {
    name: 'matmul_nt',
    run: (k, p, s) => k.matmul_nt(p.c, p.a, p.b, s.M, s.K, s.N, 0),
    reference: (a, b, _, s) => product(s, (i, k) => a[i * s.K + k], (k, j) => b[j * s.K + k]),
  },
  {
    name: 'matmul_tn',
    run: (k, p, s) => k.matmul_tn(p.c, p.a, p.b, s.M, s.K, s.N, 0),
    reference: (a, b, _, s) => product(s, (i, k) => a[k * s.M + i], (k, j) => b[k * s.N + j]),
  },
  {
    name: 'dense_forward relu',
    run: (k, p, s) => k.dense_forward(p.c, p.a, p.b, p.bias, s.M, s.K, s.N, ACT.relu, 0),
    reference: (a, b, bias, s) => product(s, (i, k) => a[i * s.K + k], (k, j) => b[k * s.N + j]).map((v, i) => Math.max(0, v + bias[i % s.N])),
  },
];

export interface MatmulBenchRow {
  kernel: string;
  shape: MatmulShape;
  backend: string;
  /** median time of one call in the best round, milliseconds */
  medianMs: number;
  /** 2·M·K·N / median time */
  gflops: number;
  /** CPU other processes used while this was timed, in cores (0.2 = a fifth of one core); NaN if unknown */
  others: number;
}

async function loadBackends(): Promise<Backend[]> {
  const wasm = (name: WasmBuildName) => createWasmBackend(readFileSync(fileURLToPath(WASM_FILES[name])), name);
  return [createJsBackend(), await wasm('wasm-simd'), await wasm('wasm-relaxed')];
}

/** Seeded uniform values in [-2, 2) (mulberry32), rounded to float32: the data the tolerance assumes. */
function values(n: number, seed: number): Float32Array {
  let st = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = Math.imul(st ^ (st >>> 15), st | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    v[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2;
  }
  return v;
}

/**
 * "Verifying kernel": c must match the float64 reference within the dot-product tolerance of
 * test/helpers/close.ts (dotTolerance: atol 3·K·2^-24, rtol 1e-5).
 */
function verify(got: ArrayLike<number>, want: Float64Array, K: number, what: string): void {
  const atol = Math.max(1e-6 * Math.sqrt(Math.max(K, 1)), 3 * K * 2 ** -24);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol + 1e-5 * Math.abs(want[i]))) {
      throw new Error(`verify: ${what}: element ${i} is ${got[i]}, float64 reference ${want[i]}`);
    }
  }
}

/**
 * Verifies, then times every case at every shape on every backend; one row per (kernel, shape,
 * backend). Timing runs in rounds (3, or 1 with quick), each round timing every backend in turn, so
 * a burst of someone else's work hits one round rather than one backend; a row keeps its best
 * round's median.
 */
export async function runMatmulBench(
  options: { quick?: boolean; shapes?: MatmulShape[]; rounds?: number; wait?: boolean; maxWaitS?: number; log?: (line: string) => void } = {},
): Promise<MatmulBenchRow[]> {
  const log = options.log ?? (() => {});
  const wait = options.wait ?? true;
  const shapes = options.shapes ?? (options.quick ? TARGET_SHAPES : MATMUL_SHAPES);
  const rounds = options.rounds ?? (options.quick ? 1 : 3);
  const time = options.quick ? 100 : 250;
  const backends = await loadBackends();
  const rows: MatmulBenchRow[] = [];
  for (const s of shapes) {
    const a = values(s.M * s.K, 1);
    const b = values(s.K * s.N, 2);
    const bias = values(s.N, 3);
    const refs = CASES.map((c) => c.reference(a, b, bias, s));
    const marks = backends.map((be) => be.arena.mark());
    const buffers = backends.map((be) => {
      const p: Buffers = { a: be.arena.alloc(a.length), b: be.arena.alloc(b.length), c: be.arena.alloc(s.M * s.N), bias: be.arena.alloc(s.N) };
      const h = be.arena.heap();
      h.set(a, p.a >> 2);
      h.set(b, p.b >> 2);
      h.set(bias, p.bias >> 2);
      CASES.forEach((c, i) => {
        c.run(be.kernels, p, s);
        const out = be.arena.heap().subarray(p.c >> 2, (p.c >> 2) + s.M * s.N);
        verify(out, refs[i], s.K, `${c.name} ${s.M}×${s.K}×${s.N} on ${be.name}`);
      });
      return p;
    });
    log(`verified ${s.M}×${s.K}×${s.N} on ${backends.map((be) => be.name).join(', ')}`);
    const best = new Map<string, MatmulBenchRow>();
    for (let round = 0; round < rounds; round++) {
      if (wait) await waitForQuiet(0.1, options.maxWaitS ?? 30, log);
      for (const [k, be] of backends.entries()) {
        const p = buffers[k];
        const bench = new Bench({ time, warmupTime: time / 4, iterations: 8 });
        let sink = 0;
        for (const c of CASES) {
          bench.add(c.name, () => {
            c.run(be.kernels, p, s);
            sink += be.arena.heap()[p.c >> 2]; // the result is read, so nothing is dead code
          });
        }
        const cpu0 = cpuSnapshot();
        const own0 = process.cpuUsage();
        const wall0 = performance.now();
        await bench.run();
        void sink;
        const own = process.cpuUsage(own0);
        const cpu1 = cpuSnapshot();
        const wallS = (performance.now() - wall0) / 1000;
        const others = cpu0 && cpu1 ? Math.max(0, busySeconds(cpu0, cpu1) - (own.user + own.system) / 1e6) / wallS : Number.NaN;
        for (const task of bench.tasks) {
          const result = task.result;
          if (result.state !== 'completed') throw new Error(`${task.name} on ${be.name}: ${result.state}`);
          const medianMs = result.latency.p50;
          const key = `${task.name}\u0000${be.name}`;
          const prev = best.get(key);
          if (!prev || medianMs < prev.medianMs) {
            best.set(key, { kernel: task.name, shape: s, backend: be.name, medianMs, gflops: (2 * s.M * s.K * s.N) / (medianMs * 1e6), others });
          }
        }
      }
      log(`timed ${s.M}×${s.K}×${s.N}, round ${round + 1} of ${rounds}`);
    }
    rows.push(...best.values());
    backends.forEach((be, k) => be.arena.release(marks[k]));
  }
  return rows;
}

function othersText(cores: number): string {
  return Number.isNaN(cores) ? '?' : `${Math.round(100 * cores)} %`;
}

/** One line per (kernel, shape): GFLOP/s and median ms per backend, the WASM speed-up over the twin, the target. */
export function formatMatmulTable(rows: MatmulBenchRow[]): string {
  const backends = [...new Set(rows.map((r) => r.backend))];
  const wasm = backends.filter((b) => b !== 'js');
  const pad = (x: string, w: number) => x.padStart(w);
  const head = [
    'kernel'.padEnd(19),
    'M×K×N'.padEnd(12),
    ...backends.map((b) => pad(`${b} GFLOP/s`, 21)),
    ...backends.map((b) => pad(`${b} ms`, 16)),
    ...wasm.map((b) => pad(`${b}/js`, 16)),
    pad('target', 7),
    pad('others', 7),
  ];
  const lines = [head.join(' ')];
  const keys = [...new Set(rows.map((r) => `${r.kernel}\u0000${r.shape.M}×${r.shape.K}×${r.shape.N}`))];
  for (const key of keys) {
    const [kernel, shapeText] = key.split('\u0000');
    const of = (b: string) => rows.find((r) => r.kernel === kernel && `${r.shape.M}×${r.shape.K}×${r.shape.N}` === shapeText && r.backend === b)!;
    const target = of(backends[0]).shape.target;
    lines.push(
      [
        kernel.padEnd(19),
        shapeText.padEnd(12),
        ...backends.map((b) => pad(of(b).gflops.toFixed(1), 21)),
        ...backends.map((b) => pad(of(b).medianMs.toFixed(3), 16)),
        ...wasm.map((b) => pad(`${(of('js').medianMs / of(b).medianMs).toFixed(1)}×`, 16)),
        pad(target === undefined ? '' : `≥ ${target}`, 7),
        pad(othersText(Math.max(...backends.map((b) => of(b).others))), 7),
      ].join(' '),
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const wait = !process.argv.includes('--no-wait');
  const maxWait = process.argv.find((a) => a.startsWith('--max-wait='));
  const rows = await runMatmulBench({ quick, wait, maxWaitS: maxWait ? Number(maxWait.split('=')[1]) : undefined, log: (line) => console.error(line) });
  console.log(formatMatmulTable(rows));
}
