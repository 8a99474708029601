// Checking that a WebAssembly module is a sinew kernel build before anything calls into it, so a
// wrong file fails in init() with what was expected and what is missing, not later in a model as
// "exports.heap_base is not a function". The required names come from the TypeScript twin, which
// implements exactly the ABI of src/backend/abi.ts (test/abi.test.ts), so new kernels count at once.

import { createJsKernels } from '../backend/js/index.js';
import { SinewError } from '../errors.js';

const SHOWN = 6; // names listed before "…"; the count says how many in all

let kernelNames: readonly string[] | undefined;

/** Every export of a kernel build and its kind: heap_base, the ABI's kernels, memory. */
function requiredExports(): [name: string, kind: 'function' | 'memory'][] {
  kernelNames ??= Object.keys(createJsKernels(() => new Float32Array(0)));
  return [['heap_base', 'function'], ...kernelNames.map((name): [string, 'function'] => [name, 'function']), ['memory', 'memory']];
}

/** What a value is, for messages: its type or class, and a hint for a Promise. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (missing `await`?)';
  const name = (value as object).constructor?.name;
  return name ? `a ${name}` : 'an object';
}

/**
 * Throws unless `module` is a compiled module exporting every kernel of the ABI, `heap_base` and
 * `memory`, and importing nothing. `what` names it ("the WebAssembly module given as `bytes`"),
 * `fix` says what to pass or do instead.
 */
export function expectKernelModule(module: unknown, what: string, fix: string): asserts module is WebAssembly.Module {
  let exports: WebAssembly.ModuleExportDescriptor[];
  try {
    exports = WebAssembly.Module.exports(module as WebAssembly.Module); // throws unless a Module (of any realm)
  } catch {
    throw new SinewError(`init: expected ${what} to be a compiled WebAssembly.Module, received ${kindOf(module)}; ${fix}`);
  }
  const exported = new Map(exports.map((e) => [e.name, e.kind] as const));
  const missing: string[] = [];
  for (const [name, kind] of requiredExports()) {
    const found = exported.get(name);
    if (found !== kind) missing.push(found === undefined ? name : `${name} (a ${found}, not a ${kind})`);
  }
  if (missing.length > 0) {
    const list = missing.length > SHOWN ? `${missing.slice(0, SHOWN).join(', ')}, …` : missing.join(', ');
    const noun = missing.length === 1 ? 'export' : 'exports';
    throw new SinewError(`init: ${what} is not a sinew kernel build: it lacks the ${noun} ${list} (${missing.length} missing); ${fix}`);
  }
  const imports = WebAssembly.Module.imports(module as WebAssembly.Module);
  if (imports.length > 0) {
    const list = imports.slice(0, SHOWN).map((i) => `${i.module}.${i.name}`).join(', ');
    throw new SinewError(`init: ${what} is not a sinew kernel build: it imports ${list}${imports.length > SHOWN ? ', …' : ''}, and sinew's kernels import nothing; ${fix}`);
  }
}

/** The bytes of a BufferSource, or undefined when `value` is not one. */
export function bufferBytes(value: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(value as ArrayBuffer);
  return undefined;
}

/** Undefined when `bytes` start with the WebAssembly magic number, else how they start (for messages). */
export function notWasm(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return undefined;
  if (bytes.length === 0) return '0 bytes';
  const start = new TextDecoder().decode(bytes.subarray(0, 24)).replace(/\s+/g, ' ');
  return `${bytes.length} bytes starting ${JSON.stringify(start)}`;
}
