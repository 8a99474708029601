// Cross-backend agreement for kernel tests: the float32 TypeScript twin first (the reference), then
// both WebAssembly builds; every backend's copy of a buffer is compared with the twin's under one
// tolerance from close.ts, and the message names the backend that disagrees.

import type { Backend } from '../../src/backend/backend.js';
import { WASM_BUILDS, jsBackend, wasmBackend } from './backends.js';
import { expectAllClose, type Tolerance } from './close.js';
import type { Buf, Twin } from './twin.js';

/** [float32 twin, wasm-simd, wasm-relaxed]: fresh instances, the twin first. */
export async function twinAndWasm(): Promise<Backend[]> {
  return [jsBackend(), ...(await Promise.all(WASM_BUILDS.map((b) => wasmBackend(b))))];
}

/** Every backend's contents of `buf` equal the first backend's under `tol`. */
export function expectBuffersAgree(t: Twin, buf: Buf, tol: Tolerance, what: string): void {
  const [ref, ...rest] = t.read(buf);
  rest.forEach((got, k) => expectAllClose(got, ref, tol, `${what} (${t.backends[k + 1].name} vs ${t.backends[0].name})`));
}

/** Every backend's return value equals the first backend's under `tol`. */
export function expectReturnsAgree(t: Twin, values: number[], tol: Tolerance, what: string): void {
  values.slice(1).forEach((v, k) => expectAllClose([v], [values[0]], tol, `${what} (${t.backends[k + 1].name} vs ${t.backends[0].name})`));
}
