// The machine's single-thread WebAssembly SIMD peak, measured in the same run as the training
// figures so that GFLOP/s can be read as a share of what this CPU and V8 can do: 12 independent
// chains of f32x4 multiply-add held in registers (no memory traffic), once with relaxed_madd (fused
// in V8 on x86 with FMA) and once as mul + add. Compiled here from a few lines of AssemblyScript
// with the compiler the repository already depends on; nothing is downloaded.

import { performance } from 'node:perf_hooks';

type Op = (a: string) => string;
const FUSED: Op = (a) => `f32x4.relaxed_madd(${a}, b, c)`;
const SPLIT: Op = (a) => `f32x4.add(f32x4.mul(${a}, b), c)`;

const SOURCE = (op: Op) => `
export function run(n: i32): f32 {
  const b = f32x4.splat(0.9999);
  const c = f32x4.splat(0.0001);
  let a0 = f32x4.splat(1.0); let a1 = f32x4.splat(1.1); let a2 = f32x4.splat(1.2); let a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4); let a5 = f32x4.splat(1.5); let a6 = f32x4.splat(1.6); let a7 = f32x4.splat(1.7);
  let a8 = f32x4.splat(1.8); let a9 = f32x4.splat(1.9); let a10 = f32x4.splat(2.0); let a11 = f32x4.splat(2.1);
  for (let i = 0; i < n; i++) {
    a0 = ${op('a0')}; a1 = ${op('a1')}; a2 = ${op('a2')}; a3 = ${op('a3')};
    a4 = ${op('a4')}; a5 = ${op('a5')}; a6 = ${op('a6')}; a7 = ${op('a7')};
    a8 = ${op('a8')}; a9 = ${op('a9')}; a10 = ${op('a10')}; a11 = ${op('a11')};
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  return f32x4.extract_lane(f32x4.add(s, t), 0);
}
`;

async function compile(op: Op, relaxed: boolean): Promise<(n: number) => number> {
  const asc = (await import('assemblyscript/asc')) as typeof import('assemblyscript/asc');
  const result = await asc.compileString(SOURCE(op), {
    optimizeLevel: 3,
    runtime: 'stub',
    noAssert: true,
    enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'],
  } as Parameters<typeof asc.compileString>[1]);
  if (result.error || !result.binary) throw new Error(`peak: asc failed: ${result.error?.message ?? result.stderr.toString()}`);
  const module = await WebAssembly.compile(result.binary as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, { env: { abort: () => undefined } });
  return instance.exports.run as (n: number) => number;
}

/** GFLOP/s of one thread: median of 7 timed runs of `n` iterations (12 × 4 lanes × 2 FLOP each). */
function time(run: (n: number) => number): number {
  const n = 2_000_000;
  run(n / 10);
  const rates: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const v = run(n);
    const s = (performance.now() - t0) / 1000;
    if (!Number.isFinite(v)) throw new Error('peak: non-finite result');
    rates.push((n * 12 * 4 * 2) / s / 1e9);
  }
  rates.sort((a, b) => a - b);
  return rates[3];
}

export interface Peak {
  relaxedMadd?: number;
  mulAdd: number;
}

/** Measures both peaks (relaxed only if this engine accepts relaxed SIMD). */
export async function measurePeak(): Promise<Peak> {
  const mulAdd = time(await compile(SPLIT, false));
  let relaxedMadd: number | undefined;
  try {
    relaxedMadd = time(await compile(FUSED, true));
  } catch {
    relaxedMadd = undefined; // Node 20 without --experimental-wasm-relaxed-simd
  }
  return { mulAdd, relaxedMadd };
}
