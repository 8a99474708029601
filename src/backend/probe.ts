// Feature probes: two tiny hand-assembled modules, each one function returning a v128. The engine
// refuses a whole module when it does not know one instruction, so `WebAssembly.validate` on the
// probe tells which build of the kernels this runtime can compile.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE_FN_V128 = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]; // type section: () -> v128
const ONE_FUNCTION = [0x03, 0x02, 0x01, 0x00]; // function section: one function of type 0
const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

function moduleWithBody(ops: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...ops, 0x0b]; // no locals, ops, end
  const code = [0x01, body.length, ...body];
  return new Uint8Array([...HEADER, ...TYPE_FN_V128, ...ONE_FUNCTION, 0x0a, code.length, ...code]);
}

/** v128.const 0 */
const SIMD_PROBE = moduleWithBody(V128_CONST_ZERO);
/** f32x4.relaxed_madd(0, 0, 0): opcode 0xfd 0x105 (LEB128 0x85 0x02) */
const RELAXED_PROBE = moduleWithBody([...V128_CONST_ZERO, ...V128_CONST_ZERO, ...V128_CONST_ZERO, 0xfd, 0x85, 0x02]);

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
