// The cost of subnormal floats per kernel: each kernel of bench/subnormal_cases.ts timed on inputs that
// would produce subnormals without the kernels' flush to zero, divided by its time on normal inputs
// (tinybench medians, the lower of two rounds, both WebAssembly builds; buffers a kernel overwrites are
// restored before every timed call, outside the timing). The target is every ratio ≤ 1.3. Before timing, one call per case
// counts the subnormal values it wrote ("subnormal out", 0 with the flush): that count, not the time,
// is what holds on every CPU (Intel pays 120–200 cycles per subnormal operation, AMD far less).
// Run:  npm run bench -- subnormal [--quick] [--rounds=N] [--wasm-dir=DIR]
//   --wasm-dir times sinew-simd.wasm and sinew-relaxed.wasm from DIR instead of build/ (e.g. a build of
//   an older commit, for a before/after comparison); --quick shortens every timing (figures noisier).

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { Backend } from '../src/backend/backend.js';
import { createWasmBackend, type WasmBuildName } from '../src/backend/wasm.js';
import { WASM_FILES } from '../src/runtime/wasm_files.js';
import { CASES, type Inputs, type SubnormalCase } from './subnormal_cases.js';
import { waitForQuiet } from './train/quiet.js';

const TARGET = 1.3;
const BUILDS: WasmBuildName[] = ['wasm-simd', 'wasm-relaxed'];
const FILE: Record<WasmBuildName, string> = { 'wasm-simd': 'sinew-simd.wasm', 'wasm-relaxed': 'sinew-relaxed.wasm' };

export interface SubnormalRow {
  kernel: string;
  build: string;
  n: number;
  normalUs: number;
  subnormalUs: number;
  ratio: number;
  /** Subnormal values the kernel wrote in one call on the "subnormal" inputs. */
  subnormalOut: number;
}

interface Prepared {
  live: number[];
  pristine: number[];
}

/** Allocates a case's buffers (a live copy and a pristine one each) and fills them for `kind`. */
function prepare(b: Backend, c: SubnormalCase, kind: Inputs): Prepared {
  const live: number[] = [];
  const pristine: number[] = [];
  for (let j = 0; j < c.buffers; j++) {
    const p = b.arena.alloc(c.n);
    const q = b.arena.alloc(c.n);
    const h = b.arena.heap();
    for (let i = 0; i < c.n; i++) h[(p >> 2) + i] = h[(q >> 2) + i] = c.value(kind, j, i);
    live.push(p);
    pristine.push(q);
  }
  return { live, pristine };
}

function restore(b: Backend, c: SubnormalCase, p: Prepared): void {
  for (const j of c.restore) b.kernels.copy(p.live[j], p.pristine[j], c.n);
}

function countSubnormal(b: Backend, ptr: number, n: number): number {
  const h = b.arena.heap();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(h[(ptr >> 2) + i]);
    if (a !== 0 && a < 2 ** -126) count++;
  }
  return count;
}

/**
 * Times every case on both builds, normal and subnormal inputs side by side in one tinybench run;
 * `rounds` runs (default 2) keep each task's lowest median, so another process's burst inflates no ratio.
 */
export async function runSubnormalBench(options: { quick?: boolean; rounds?: number; wasmDir?: string; log?: (line: string) => void } = {}): Promise<SubnormalRow[]> {
  const log = options.log ?? (() => {});
  const time = options.quick ? 40 : 120;
  const rounds = options.rounds ?? (options.quick ? 1 : 2);
  const rows: SubnormalRow[] = [];
  for (const build of BUILDS) {
    const bytes = readFileSync(options.wasmDir ? join(options.wasmDir, FILE[build]) : fileURLToPath(WASM_FILES[build]));
    const b = await createWasmBackend(bytes, build);
    const outs = new Map<string, number>();
    const prepared = new Map<string, Prepared>();
    for (const c of CASES) {
      for (const kind of ['normal', 'subnormal'] as Inputs[]) {
        const p = prepare(b, c, kind);
        prepared.set(`${c.name}\u0000${kind}`, p);
        if (kind === 'subnormal') {
          c.run(b.kernels, p.live);
          outs.set(c.name, c.outputs.reduce((s, j) => s + countSubnormal(b, p.live[j], c.n), 0));
          restore(b, c, p);
        }
      }
    }
    const best = new Map<string, number>();
    for (let r = 0; r < rounds; r++) {
      await waitForQuiet(0.1, 20, log);
      const bench = new Bench({ time, warmupTime: time / 4, iterations: 10 });
      for (const c of CASES) {
        for (const kind of ['normal', 'subnormal'] as Inputs[]) {
          const p = prepared.get(`${c.name}\u0000${kind}`)!;
          let sink = 0;
          bench.add(`${c.name}\u0000${kind}`, () => {
            const ret = c.run(b.kernels, p.live);
            if (typeof ret === 'number') sink += ret;
          }, { beforeEach: () => restore(b, c, p) });
          void sink;
        }
      }
      await bench.run();
      for (const task of bench.tasks) {
        if (task.result.state !== 'completed') throw new Error(`${task.name} on ${build}: ${task.result.state}`);
        const us = task.result.latency.p50 * 1000;
        best.set(task.name, Math.min(best.get(task.name) ?? Infinity, us));
      }
    }
    for (const c of CASES) {
      const normalUs = best.get(`${c.name}\u0000normal`)!;
      const subnormalUs = best.get(`${c.name}\u0000subnormal`)!;
      rows.push({ kernel: c.name, build, n: c.n, normalUs, subnormalUs, ratio: subnormalUs / normalUs, subnormalOut: outs.get(c.name)! });
    }
    log(`timed ${CASES.length} kernels on ${build} (${rounds} round${rounds > 1 ? 's' : ''})`);
  }
  return rows;
}

export function formatSubnormalTable(rows: SubnormalRow[]): string {
  const pad = (s: string, w: number) => s.padStart(w);
  const lines = [['kernel'.padEnd(28), pad('build', 12), pad('n', 7), pad('normal µs', 10), pad('subnormal µs', 13), pad('ratio', 6), pad('subnormal out', 14)].join(' ')];
  for (const r of rows) {
    lines.push([r.kernel.padEnd(28), pad(r.build, 12), pad(String(r.n), 7), pad(r.normalUs.toFixed(1), 10), pad(r.subnormalUs.toFixed(1), 13), pad(r.ratio.toFixed(2), 6), pad(String(r.subnormalOut), 14)].join(' '));
  }
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const over = rows.filter((r) => r.ratio > TARGET);
  lines.push('');
  lines.push(`worst ratio ${worst.ratio.toFixed(2)} (${worst.kernel}, ${worst.build}); target ≤ ${TARGET}: ${over.length === 0 ? 'met' : `missed by ${over.map((r) => `${r.kernel} (${r.build})`).join(', ')}`}`);
  lines.push(`subnormal values written: ${rows.reduce((s, r) => s + r.subnormalOut, 0)}`);
  lines.push(`CPU: ${os.cpus()[0]?.model ?? 'unknown'}, Node ${process.versions.node}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const dir = process.argv.find((a) => a.startsWith('--wasm-dir='))?.slice('--wasm-dir='.length);
  const rounds = process.argv.find((a) => a.startsWith('--rounds='));
  const rows = await runSubnormalBench({ quick, wasmDir: dir, rounds: rounds ? Number(rounds.slice('--rounds='.length)) : undefined, log: (line) => console.error(line) });
  console.log(formatSubnormalTable(rows));
}
