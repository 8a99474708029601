// Finding and compiling a kernel build, per runtime. Node (≥ 20.16), Deno and Bun read the file next
// to the package; browsers and bundlers fetch `new URL(…, import.meta.url)` (see wasm_files.ts).
// There is deliberately no `import 'node:…'` here, static or dynamic: the file system is reached
// through `process.getBuiltinModule` (Node, Deno, Bun) or Deno's/Bun's own globals, so bundlers for
// the browser see nothing to polyfill. workerd imports the .wasm as a module instead (entry/workerd.ts).

import type { WasmBuildName } from '../backend/wasm.js';
import { notWasm } from './kernel_module.js';
import { wasmUrl } from './wasm_files.js';
import { SinewError } from '../errors.js';

/** Produces the compiled module of one build; each entry point has its own. */
export type ModuleLoader = (build: WasmBuildName) => Promise<WebAssembly.Module>;

/** Loading failed; `attempts` lists each thing tried with its error, and the message says how to fix it. */
export class WasmLoadError extends Error {
  constructor(
    readonly build: WasmBuildName,
    readonly attempts: string[],
    hints: string[],
  ) {
    super(
      `sinew: could not load the ${build} kernels.\nTried:\n  ${attempts.join('\n  ')}\nHow to fix:\n  - ${hints.join('\n  - ')}`,
    );
    this.name = 'WasmLoadError';
  }
}

const PASS_IT_YOURSELF = 'load the file yourself and pass it: init({ bytes }) with its bytes, or init({ module }) with a compiled WebAssembly.Module';

interface FsPromises {
  readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
}
interface RuntimeGlobals {
  process?: { getBuiltinModule?: (id: string) => unknown };
  Deno?: { readFile(path: URL): Promise<Uint8Array<ArrayBuffer>> };
  Bun?: { file(path: URL): { arrayBuffer(): Promise<ArrayBuffer> } };
}

/** Reads a file: URL with whatever file API this runtime has. */
async function readFileUrl(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const g = globalThis as RuntimeGlobals;
  const fs = g.process?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
  if (fs) return fs.readFile(url);
  if (g.Deno) return g.Deno.readFile(url);
  if (g.Bun) return new Uint8Array(await g.Bun.file(url).arrayBuffer());
  throw new SinewError('this runtime has no file API that sinew knows (Node ≥ 20.16, Deno and Bun have one)');
}

/** Throws unless `bytes` start with the WebAssembly magic number (a dev server's HTML fallback page does not). */
function expectWasm(bytes: Uint8Array, where: string): void {
  const start = notWasm(bytes);
  if (start) throw new SinewError(`${where} is not a WebAssembly file (${start}; a server's fallback page?)`);
}

/** Fetches and compiles; streams when the server labels the file application/wasm. */
async function fetchModule(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new SinewError(`HTTP ${response.status} ${response.statusText}`.trim());
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/wasm') && typeof WebAssembly.compileStreaming === 'function') {
    return WebAssembly.compileStreaming(response);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  expectWasm(bytes, 'the response');
  return compileBytes(bytes);
}

/** WebAssembly.compile with a clear message where the embedder forbids it (workerd). */
export async function compileBytes(bytes: BufferSource): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (cause) {
    if (/disallowed/i.test(String(cause))) {
      throw new SinewError(
        'sinew: this runtime forbids compiling WebAssembly from bytes (Cloudflare workerd does). Import sinew through ' +
          "its 'workerd' export condition (wrangler does so), or import the .wasm as a module and pass init({ module })",
        { cause },
      );
    }
    throw cause;
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The default loader (Node, Deno, Bun, and browsers through the default entry): a file: URL is read
 * from disk, anything else is fetched. `urlFor` exists for tests.
 */
export function fileOrFetchLoader(urlFor: (build: WasmBuildName) => URL = wasmUrl): ModuleLoader {
  return async (build) => {
    const url = urlFor(build);
    if (url.protocol !== 'file:') return fetchLoader(() => url)(build);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await readFileUrl(url);
      expectWasm(bytes, url.href);
    } catch (cause) {
      throw new WasmLoadError(build, [`reading ${url.href}: ${describe(cause)}`], [
        'in a source checkout, build the kernels: `npm run build:wasm`',
        'in an installed package, check that its build/ folder holds the .wasm files (reinstall it)',
        PASS_IT_YOURSELF,
      ]);
    }
    return compileBytes(bytes);
  };
}

/** The browser loader: fetch `new URL('…/x.wasm', import.meta.url)` (which bundlers rewrite to their copy). */
export function fetchLoader(urlFor: (build: WasmBuildName) => URL = wasmUrl): ModuleLoader {
  return async (build) => {
    const url = urlFor(build);
    try {
      return await fetchModule(url);
    } catch (cause) {
      const why = describe(cause);
      const hints = [
        "serve the package's build/*.wasm at that address; bundlers copy it when they see " +
          "`new URL('…wasm', import.meta.url)` (Vite, webpack 5, Parcel do); if a dev server's dependency pre-bundling " +
          "moved the code away from the file, exclude sinew from it (Vite: optimizeDeps: { exclude: ['sinew-nn'] })",
        PASS_IT_YOURSELF,
      ];
      if (why.startsWith('HTTP 403')) {
        hints.unshift("a dev server refused a file outside its allowed folders, as with a linked (npm link, file:) sinew: allow the package's folder (Vite: server.fs.allow) or install it as a copy");
      }
      throw new WasmLoadError(build, [`fetching ${url.href}: ${why}`], hints);
    }
  };
}
