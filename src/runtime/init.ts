// Choosing and loading a backend once per process: `init()` picks the fastest kernel build this
// runtime runs as intended (relaxed SIMD where the engine fuses its multiply-add, else SIMD128, else
// the TypeScript twin), compiles it once, and from then on `createBackend()` gives each model its own
// instance with its own memory. A build's name is a promise about its numbers: 'wasm-relaxed' only
// where multiply-add is fused (so results equal V8's fused ones), since Bun validates relaxed SIMD but
// rounds twice, computing exactly the SIMD build's bits, which are then what it is called.

import type { Backend, BackendName } from '../backend/backend.js';
import { createJsBackend } from '../backend/js/index.js';
import { fusesRelaxedMadd, hasRelaxedSimd, hasWasmSimd, kernelsFuse } from '../backend/probe.js';
import { instantiateWasmBackend, type WasmBuildName } from '../backend/wasm.js';
import { bufferBytes, expectKernelModule, notWasm } from './kernel_module.js';
import { compileBytes, fileOrFetchLoader, type ModuleLoader } from './load_bytes.js';
import { threadSupport } from './threads_node.js';
import type { ThreadSupport } from './threads.js';
import { threadsWasmUrl } from './wasm_files.js';
import { instantiateThreadedBackend } from '../backend/threads/threaded_backend.js';
import { THREAD_EXPORT_NAMES } from '../backend/threads/abi.js';
import { SinewError } from '../errors.js';

const MAX_THREADS = 256;

export interface InitOptions {
  /** 'auto' (default): the fastest that validates; 'wasm': fail rather than fall back; 'js': the TypeScript twin. */
  backend?: 'auto' | 'wasm' | 'js';
  /** A compiled kernel module (how workerd must get it: it forbids compiling from bytes). */
  module?: WebAssembly.Module;
  /** The bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm, if you load them yourself. */
  bytes?: BufferSource;
  /**
   * Which build to load, or which one `module`/`bytes` hold (checked). Default: 'wasm-relaxed' where
   * relaxed SIMD validates and fuses multiply-add, else 'wasm-simd'; for a `module`/`bytes`, what it computes.
   */
  build?: WasmBuildName;
  /**
   * Threads each model's matrix products run on. Default: every core the runtime reports, where
   * threads can run (Node, a cross-origin-isolated page; not workerd or Bun, and not with a
   * `module`/`bytes` of your own), else 1. Deno runs threads only when asked, since its workers keep
   * a script running until the model is disposed. The weights a model trains to are the same for any count.
   */
  threads?: number;
}

/** An entry point's way to threads: the shared-memory builds' loader and the runtime's support. */
export interface ThreadEntry {
  load: ModuleLoader;
  support: () => ThreadSupport | Promise<ThreadSupport>;
}

interface Loaded {
  name: BackendName;
  threads: number;
  create(): Backend;
}

let loaded: Loaded | undefined;

const PASS_A_BUILD = 'pass the bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm';
const NEEDS_RELAXED =
  "init: build 'wasm-relaxed' needs relaxed SIMD, which this runtime does not accept (Node 20 needs " +
  "`node --experimental-wasm-relaxed-simd`); leave `build` out to get the fastest build that loads, or ask for 'wasm-simd'";
const NOT_FUSED =
  "init: build 'wasm-relaxed' was asked for, but this engine does not fuse f32x4.relaxed_madd (Bun's does not), " +
  "so that build would compute exactly the SIMD build's numbers under the relaxed build's name; ask for 'wasm-simd' " +
  '(the same numbers at the same speed) or leave `build` out';

/**
 * Loads the kernels. Call once, before building models; later calls switch the backend for models
 * built afterwards. Returns the backend's name.
 * @example
 *   await init();                    // 'wasm-relaxed' on Node ≥ 22, Chromium, Deno, workerd; 'wasm-simd' on Node 20 and Bun
 *   await init({ backend: 'js' });   // the pure-TypeScript twin
 */
export function init(options: InitOptions = {}): Promise<BackendName> {
  return initWith(options, fileOrFetchLoader(), { load: fileOrFetchLoader(threadsWasmUrl), support: threadSupport });
}

/**
 * `init` with the loaders of one entry point (file/fetch, fetch only, or workerd's imported
 * modules); `threads` loads the shared-memory builds and says what the runtime allows, absent where
 * threads cannot run.
 */
export async function initWith(options: InitOptions, load: ModuleLoader, threads?: ThreadEntry): Promise<BackendName> {
  const choice = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new SinewError(`init: expected backend to be 'auto', 'wasm' or 'js', received ${JSON.stringify(choice)}`);
  }
  const wanted = options.threads;
  if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_THREADS)) {
    throw new SinewError(`init: expected threads to be an integer from 1 to ${MAX_THREADS}, received ${String(wanted)}`);
  }
  if (choice === 'js') {
    loaded = { name: 'js', threads: 1, create: () => createJsBackend() };
    return loaded.name;
  }
  if (!hasWasmSimd()) {
    const why = 'this runtime does not support WebAssembly SIMD';
    if (choice === 'wasm') throw new SinewError(`init: backend 'wasm' was requested but ${why}; use init({ backend: 'auto' }) to fall back to TypeScript`);
    console.warn(`sinew: ${why}; using the TypeScript backend (37-41x slower than WebAssembly in the training benchmark)`);
    loaded = { name: 'js', threads: 1, create: () => createJsBackend() };
    return loaded.name;
  }
  const requested = options.build;
  if (requested !== undefined && requested !== 'wasm-relaxed' && requested !== 'wasm-simd') {
    throw new SinewError(`init: expected build to be 'wasm-relaxed' or 'wasm-simd', received ${JSON.stringify(requested)}`);
  }
  const given = await givenModule(options);
  const { build, module } = given ? nameGiven(given, requested) : await pickBuild(requested, load);
  loaded = { name: build, threads: 1, create: () => instantiateWasmBackend(module, build) };
  if (!given && threads && wanted !== 1) await useThreads(loaded, build, wanted, threads);
  return loaded.name;
}

/** Switches `into` to the shared-memory build on several threads where the runtime allows it. */
async function useThreads(into: Loaded, build: WasmBuildName, wanted: number | undefined, entry: ThreadEntry): Promise<void> {
  const support = await entry.support();
  const load = entry.load;
  const threads = Math.min(wanted ?? support.cores, MAX_THREADS);
  const spawn = support.spawn;
  const informIf = (why: string) => {
    if (wanted !== undefined) console.info(`sinew: running on one thread (${why})`);
  };
  if (threads <= 1 || (wanted === undefined && support.onlyWhenAsked)) return;
  if (!spawn) return informIf(support.why ?? 'no threads here');
  let module: WebAssembly.Module;
  try {
    module = await load(build);
  } catch (cause) {
    return informIf(`the shared-memory build did not load: ${String(cause)}`);
  }
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = THREAD_EXPORT_NAMES.filter((n) => !names.has(n));
  if (missing.length > 0) return informIf(`the shared-memory build lacks ${missing.join(', ')}; rebuild it with \`npm run build:wasm\``);
  into.threads = threads;
  into.create = () => instantiateThreadedBackend(module, build, threads, spawn, support.canBlock);
}

interface Chosen {
  build: WasmBuildName;
  module: WebAssembly.Module;
}

/** The caller's `module`, or its `bytes` compiled, checked to be a kernel build; undefined if neither. */
async function givenModule(options: InitOptions): Promise<WebAssembly.Module | undefined> {
  if (options.module !== undefined) {
    expectKernelModule(options.module, 'the `module` given', 'pass the compiled module of build/sinew-relaxed.wasm or build/sinew-simd.wasm');
    return options.module;
  }
  if (options.bytes === undefined) return undefined;
  const bytes = bufferBytes(options.bytes);
  if (!bytes) throw new SinewError(`init: expected \`bytes\` to be an ArrayBuffer or a typed array, received ${typeof options.bytes}; ${PASS_A_BUILD}`);
  const start = notWasm(bytes);
  if (start) throw new SinewError(`init: the \`bytes\` given are not WebAssembly (${start}); ${PASS_A_BUILD}`);
  let module: WebAssembly.Module;
  try {
    module = await compileBytes(options.bytes);
  } catch (cause) {
    if (!(cause instanceof WebAssembly.CompileError) || /forbids compiling/.test(String(cause))) throw cause;
    throw new SinewError(`init: the \`bytes\` given do not compile as WebAssembly (${cause.message}); ${PASS_A_BUILD}`, { cause });
  }
  expectKernelModule(module, 'the WebAssembly module given as `bytes`', PASS_A_BUILD);
  return module;
}

/**
 * A caller's module is named by what it computes here (its own matmul, so this works in workerd
 * too): fused multiply-add means the relaxed build in an engine that fuses. A `build` that says
 * otherwise is refused rather than believed.
 */
function nameGiven(module: WebAssembly.Module, requested: WasmBuildName | undefined): Chosen {
  const fuses = kernelsFuse(module);
  if (requested === 'wasm-relaxed' && !fuses) {
    if (!hasRelaxedSimd()) throw new SinewError(NEEDS_RELAXED);
    throw new SinewError(
      "init: build 'wasm-relaxed' was given, but the module computes without fused multiply-add: it is build/sinew-simd.wasm, " +
        "or this engine does not fuse f32x4.relaxed_madd (Bun's does not); say build: 'wasm-simd' or leave `build` out",
    );
  }
  if (requested === 'wasm-simd' && fuses) {
    throw new SinewError("init: build 'wasm-simd' was given, but the module fuses multiply-add: it is build/sinew-relaxed.wasm; say build: 'wasm-relaxed' or leave `build` out");
  }
  return { build: fuses ? 'wasm-relaxed' : 'wasm-simd', module };
}

/** The package's own builds: relaxed where it validates and fuses, else SIMD128. */
async function pickBuild(requested: WasmBuildName | undefined, load: ModuleLoader): Promise<Chosen> {
  const loadBuild = async (build: WasmBuildName): Promise<Chosen> => {
    const module = await load(build);
    expectKernelModule(module, `the module loaded for ${build}`, 'rebuild it (`npm run build:wasm`) or reinstall the package');
    return { build, module };
  };
  if (requested === 'wasm-simd') return loadBuild('wasm-simd');
  if (!hasRelaxedSimd()) {
    if (requested === 'wasm-relaxed') throw new SinewError(NEEDS_RELAXED);
    return loadBuild('wasm-simd');
  }
  // The 80-byte probe where the engine compiles bytes; in workerd, which does not, the relaxed build's own kernels.
  let relaxed: Chosen | undefined;
  let fuses = fusesRelaxedMadd();
  if (fuses === undefined) {
    relaxed = await loadBuild('wasm-relaxed');
    fuses = kernelsFuse(relaxed.module);
  }
  if (fuses) return relaxed ?? loadBuild('wasm-relaxed');
  if (requested === 'wasm-relaxed') throw new SinewError(NOT_FUSED);
  return loadBuild('wasm-simd');
}

/** What `init` chose: the build's name and the threads each model's products run on. */
export function backendInfo(): { name: BackendName; threads: number } | undefined {
  return loaded ? { name: loaded.name, threads: loaded.threads } : undefined;
}

/** The name of the backend `init` chose, or undefined before `init`. */
export function backendName(): BackendName | undefined {
  return loaded?.name;
}

/** A fresh backend instance (own memory) for one model. Throws before `init()`. */
export function createBackend(): Backend {
  if (!loaded) throw new SinewError('sinew: call `await init()` before building a model (it loads the WebAssembly kernels)');
  return loaded.create();
}
