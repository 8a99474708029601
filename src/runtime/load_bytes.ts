// Finding the .wasm bytes of a build. Node, Deno and Bun read the file next to the package;
// browsers and bundlers fetch `new URL(…, import.meta.url)`, which Vite and others rewrite.

import type { WasmBuildName } from '../backend/wasm.js';
import { WASM_FILES } from './wasm_files.js';

export async function loadWasmBytes(build: WasmBuildName): Promise<ArrayBuffer> {
  const url = WASM_FILES[build];
  const tried: string[] = [];
  if (url.protocol === 'file:') {
    try {
      const fs = await import('node:fs/promises');
      const buf = await fs.readFile(url);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    } catch (cause) {
      tried.push(`reading ${url.href}: ${String(cause)}`);
    }
  }
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.arrayBuffer();
  } catch (cause) {
    tried.push(`fetching ${url.href}: ${String(cause)}`);
  }
  throw new Error(
    `sinew: could not load the ${build} kernels. Tried:\n  ${tried.join('\n  ')}\n` +
      'Fix: run `npm run build:wasm` if working from source, or pass the file yourself: ' +
      'init({ bytes }) with its bytes or init({ module }) with a compiled WebAssembly.Module.',
  );
}
