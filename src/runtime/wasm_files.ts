// Where the two builds live relative to this module: build/ sits beside src/ (running from source)
// and beside dist/ (the published package), at the same depth, so one relative URL serves both.

export const WASM_FILES = {
  'wasm-relaxed': new URL('../../build/sinew-relaxed.wasm', import.meta.url),
  'wasm-simd': new URL('../../build/sinew-simd.wasm', import.meta.url),
} as const;
