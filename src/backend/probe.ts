// Feature probes. Two tiny hand-assembled modules, each one function returning a v128: the engine
// refuses a whole module when it does not know one instruction, so `WebAssembly.validate` on the
// probe tells which build of the kernels this runtime can compile. A third, run rather than
// validated, tells whether the engine really fuses f32x4.relaxed_madd: the relaxed build is only
// worth its name (and only computes its own bits) where it does. Bun validates it but does not fuse.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE_FN_V128 = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]; // type section: () -> v128
const ONE_FUNCTION = [0x03, 0x02, 0x01, 0x00]; // function section: one function of type 0
const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const RELAXED_MADD = [0xfd, 0x85, 0x02]; // f32x4.relaxed_madd: opcode 0xfd 0x105 (LEB128 0x85 0x02)

function moduleWithBody(ops: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...ops, 0x0b]; // no locals, ops, end
  const code = [0x01, body.length, ...body];
  return new Uint8Array([...HEADER, ...TYPE_FN_V128, ...ONE_FUNCTION, 0x0a, code.length, ...code]);
}

/** v128.const 0 */
const SIMD_PROBE = moduleWithBody(V128_CONST_ZERO);
/** f32x4.relaxed_madd(0, 0, 0) */
const RELAXED_PROBE = moduleWithBody([...V128_CONST_ZERO, ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...RELAXED_MADD]);

/**
 * Exports f(a, b, c: f32): f32 = lane 0 of f32x4.relaxed_madd(splat a, splat b, splat c). The
 * arguments are parameters, not constants, so no compiler can fold the instruction away.
 */
const FUSE_PROBE = (() => {
  const splat = (i: number) => [0x20, i, 0xfd, 0x13]; // local.get i; f32x4.splat
  const body = [0x00, ...splat(0), ...splat(1), ...splat(2), ...RELAXED_MADD, 0xfd, 0x1f, 0x00, 0x0b]; // …; f32x4.extract_lane 0; end
  return new Uint8Array([
    ...HEADER,
    ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7d, 0x7d, 0x7d, 0x01, 0x7d], // type section: (f32, f32, f32) -> f32
    ...ONE_FUNCTION,
    ...[0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00], // export section: "f" = function 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body],
  ]);
})();

// a·a + c with a = 1 + 2^-12, c = −(1 + 2^-11): a·a = 1 + 2^-11 + 2^-24 exactly, which float32
// rounds (a tie, to even) to 1 + 2^-11, so the unfused result is 0 and the fused one 2^-24.
// (1 + 2^-12)·(1 − 2^-12) − 1 would not tell them apart: 1 − 2^-24 is a float32.
const A = 1 + 2 ** -12;
const C = -(1 + 2 ** -11);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export function hasWasmSimd(): boolean {
  return validates(SIMD_PROBE);
}

export function hasRelaxedSimd(): boolean {
  return validates(RELAXED_PROBE);
}

/**
 * Whether f32x4.relaxed_madd rounds once (fused) here: true in V8 on FMA hardware (Node, Deno,
 * Chromium), false in Bun. Undefined when this runtime cannot compile the probe: workerd forbids
 * compiling any bytes (then ask `kernelsFuse` of the relaxed build itself), or relaxed SIMD is off.
 * Compiled synchronously: 80 bytes are under every engine's limit for the main thread.
 */
export function fusesRelaxedMadd(): boolean | undefined {
  let f: (a: number, b: number, c: number) => number;
  try {
    f = new WebAssembly.Instance(new WebAssembly.Module(FUSE_PROBE), {}).exports.f as typeof f;
  } catch {
    return undefined;
  }
  return f(A, A, C) !== 0;
}

interface ProbeExports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  matmul(c: number, a: number, b: number, M: number, K: number, N: number, acc: number): void;
}

/**
 * Whether a kernel build computes with fused multiply-add in this engine, by running its `matmul`
 * on [a₀ a₁]·[b₀; b₁] with a₀·b₀ = −(a·a) and a₁·b₁ = a·a (a as above; both products round to
 * ±(1 + 2^-11)): 0 when each product is rounded, ±2^-24 when either is fused into the sum, in
 * whichever order the kernel adds. Nonzero only for the relaxed build in an engine that fuses, so a
 * caller's module can be named by what it computes. The module must have passed the export check.
 */
export function kernelsFuse(module: WebAssembly.Module): boolean {
  const k = new WebAssembly.Instance(module, {}).exports as unknown as ProbeExports;
  const base = (k.heap_base() + 15) & ~15;
  const bytes = base + 64;
  if (k.memory.buffer.byteLength < bytes) k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / 65536));
  const f = new Float32Array(k.memory.buffer, base, 16);
  // A (1×2) at f[0..2), B (2×4) at f[4..12), C (1×4) at f[12..16).
  f.set([A, A]);
  f.fill(-A, 4, 8);
  f.fill(A, 8, 12);
  k.matmul(base + 48, base, base + 16, 1, 2, 4, 0);
  return new Float32Array(k.memory.buffer, base + 48, 4).some((v) => v !== 0);
}
