// A .wasm imported as a module is a compiled WebAssembly.Module in workerd (and in wrangler,
// esbuild-wasm-module and Deno). Only entry/workerd.ts imports .wasm this way.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
