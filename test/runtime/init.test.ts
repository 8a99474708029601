// src/runtime in Node: init() picks and loads a build, accepts bytes or a compiled module, falls back
// to TypeScript with one warning line when SIMD is missing, names a build by what it computes (an
// engine that does not fuse relaxed_madd gets 'wasm-simd'), refuses modules that are not kernel
// builds, and every way loading can fail ends in a message that says what was tried and how to fix
// it. (The other runtimes, Bun's non-fusing engine and workerd's forbidden compiler among them: test/runtimes/.)

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fusesRelaxedMadd, kernelsFuse } from '../../src/backend/probe.js';
import { createJsKernels } from '../../src/backend/js/index.js';
import { backendName, createBackend, init, initWith } from '../../src/runtime/init.js';
import { compileBytes, fetchLoader, fileOrFetchLoader, WasmLoadError } from '../../src/runtime/load_bytes.js';
import { WASM_FILES, wasmUrl } from '../../src/runtime/wasm_files.js';

// The probes, wrapped so that a test can play an engine that does not fuse (Bun) or compiles no bytes (workerd).
vi.mock(import('../../src/backend/probe.js'), async (original) => {
  const real = await original();
  return { ...real, fusesRelaxedMadd: vi.fn(real.fusesRelaxedMadd), kernelsFuse: vi.fn(real.kernelsFuse) };
});

const simdBytes = new Uint8Array(readFileSync(WASM_FILES['wasm-simd']));
const relaxedBytes = new Uint8Array(readFileSync(WASM_FILES['wasm-relaxed']));

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(fusesRelaxedMadd).mockReset(); // back to the real probe
  vi.mocked(kernelsFuse).mockReset();
});

/** Fills 5 floats with 2.5 through the backend's kernels and reads them back. */
function fillWorks(): number[] {
  const backend = createBackend();
  const ptr = backend.arena.alloc(5);
  backend.kernels.fill(ptr, 5, 2.5);
  const h = backend.arena.heap();
  return Array.from(h.subarray(ptr >> 2, (ptr >> 2) + 5));
}

describe('init', () => {
  it('picks the relaxed build here (Node 22+, or Node 20 with the flag vitest passes) and reads it from build/', async () => {
    expect(await init()).toBe('wasm-relaxed');
    expect(backendName()).toBe('wasm-relaxed');
    expect(createBackend().name).toBe('wasm-relaxed');
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it('loads the build it is asked for', async () => {
    expect(await init({ build: 'wasm-simd' })).toBe('wasm-simd');
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it('takes bytes or a compiled module from the caller', async () => {
    expect(await init({ bytes: simdBytes, build: 'wasm-simd' })).toBe('wasm-simd');
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    const module = await WebAssembly.compile(simdBytes);
    expect(await init({ module, build: 'wasm-simd' })).toBe('wasm-simd');
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it('rejects unknown backend and build names, naming what it received', async () => {
    await expect(init({ backend: 'gpu' as 'js' })).rejects.toThrow(`init: expected backend to be 'auto', 'wasm' or 'js', received "gpu"`);
    await expect(init({ build: 'wasm-fast' as 'wasm-simd' })).rejects.toThrow(`init: expected build to be 'wasm-relaxed' or 'wasm-simd', received "wasm-fast"`);
  });

  it('without WebAssembly SIMD falls back to the TypeScript backend with one warning line', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await init()).toBe('js');
    expect(createBackend().name).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]).toHaveLength(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/^sinew: this runtime does not support WebAssembly SIMD; using the TypeScript backend[^\n]*$/);
  });

  it("asked for the relaxed build where relaxed SIMD does not validate, says so instead of failing to compile", async () => {
    // A runtime with SIMD128 but not relaxed SIMD (Node 20 without its flag): only the relaxed probe fails.
    const validate = WebAssembly.validate;
    const isRelaxedProbe = (bytes: BufferSource) => (ArrayBuffer.isView(bytes) ? Array.from(bytes as Uint8Array).join() : '').includes('253,133,2');
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => !isRelaxedProbe(bytes) && validate(bytes));
    expect(await init()).toBe('wasm-simd');
    await expect(init({ build: 'wasm-relaxed' })).rejects.toThrow(/build 'wasm-relaxed' needs relaxed SIMD.*--experimental-wasm-relaxed-simd/);
  });

  it("with backend 'wasm' and no SIMD, fails instead of falling back", async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    await expect(init({ backend: 'wasm' })).rejects.toThrow(/backend 'wasm' was requested but this runtime does not support WebAssembly SIMD/);
  });
});

/** Whether the chosen backend's matmul fuses multiply-add: [a, a]·[−a; a] with a = 1 + 2^-12 is 0 exactly when it rounds twice. */
function backendFuses(): boolean {
  const backend = createBackend();
  const a = 1 + 2 ** -12;
  const x = backend.arena.alloc(2);
  const w = backend.arena.alloc(8);
  const y = backend.arena.alloc(4);
  const h = backend.arena.heap();
  h.set([a, a], x >> 2);
  h.set([-a, -a, -a, -a, a, a, a, a], w >> 2);
  backend.kernels.matmul(y, x, w, 1, 2, 4, 0);
  return Array.from(backend.arena.heap().subarray(y >> 2, (y >> 2) + 4)).some((v) => v !== 0);
}

describe('a build is named by what it computes (same name, same bits in every runtime)', () => {
  const relaxedModule = new WebAssembly.Module(relaxedBytes);
  const simdModule = new WebAssembly.Module(simdBytes);

  it("the 80-byte probe sees V8 fuse relaxed_madd, and each build's own matmul tells the two apart", () => {
    expect(fusesRelaxedMadd()).toBe(true);
    expect(kernelsFuse(relaxedModule)).toBe(true);
    expect(kernelsFuse(simdModule)).toBe(false);
  });

  it('an engine that validates relaxed SIMD but does not fuse it (Bun) gets the SIMD build, named wasm-simd', async () => {
    vi.mocked(fusesRelaxedMadd).mockReturnValue(false);
    const load = vi.fn(fileOrFetchLoader());
    expect(await initWith({}, load)).toBe('wasm-simd');
    expect(load.mock.calls).toEqual([['wasm-simd']]);
    expect(backendName()).toBe('wasm-simd');
    expect(createBackend().name).toBe('wasm-simd');
    expect(backendFuses()).toBe(false);
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it("there, an explicit build 'wasm-relaxed' is refused with why and what to ask for instead", async () => {
    vi.mocked(fusesRelaxedMadd).mockReturnValue(false);
    await expect(init({ build: 'wasm-relaxed' })).rejects.toThrow(
      /^init: build 'wasm-relaxed' was asked for, but this engine does not fuse f32x4\.relaxed_madd \(Bun's does not\).*ask for 'wasm-simd' \(the same numbers at the same speed\)/,
    );
  });

  it("there, the relaxed build handed over as bytes or module is named wasm-simd (its matmul rounds twice), and 'wasm-relaxed' for it is refused", async () => {
    vi.mocked(kernelsFuse).mockReturnValue(false);
    expect(await init({ bytes: relaxedBytes })).toBe('wasm-simd');
    expect(await init({ module: relaxedModule })).toBe('wasm-simd');
    await expect(init({ module: relaxedModule, build: 'wasm-relaxed' })).rejects.toThrow(/module computes without fused multiply-add.*does not fuse f32x4\.relaxed_madd/);
  });

  it("where bytes cannot be compiled (workerd), asks the relaxed build's own kernels, and loads each build at most once", async () => {
    vi.mocked(fusesRelaxedMadd).mockReturnValue(undefined);
    const load = vi.fn(fileOrFetchLoader());
    expect(await initWith({}, load)).toBe('wasm-relaxed');
    expect(load.mock.calls).toEqual([['wasm-relaxed']]);
    expect(backendFuses()).toBe(true);

    vi.mocked(kernelsFuse).mockReturnValue(false); // workerd on a CPU without FMA
    load.mockClear();
    expect(await initWith({}, load)).toBe('wasm-simd');
    expect(load.mock.calls).toEqual([['wasm-relaxed'], ['wasm-simd']]);
    await expect(initWith({ build: 'wasm-relaxed' }, load)).rejects.toThrow(/does not fuse f32x4\.relaxed_madd/);
  });

  it("a caller's module without `build` is named by what it computes; a `build` that says otherwise is refused", async () => {
    expect(await init({ module: simdModule })).toBe('wasm-simd');
    expect(backendFuses()).toBe(false);
    expect(await init({ bytes: relaxedBytes })).toBe('wasm-relaxed');
    expect(backendFuses()).toBe(true);
    await expect(init({ module: relaxedModule, build: 'wasm-simd' })).rejects.toThrow(/^init: build 'wasm-simd' was given, but the module fuses multiply-add: it is build\/sinew-relaxed\.wasm/);
    await expect(init({ bytes: simdBytes, build: 'wasm-relaxed' })).rejects.toThrow(/^init: build 'wasm-relaxed' was given, but the module computes without fused multiply-add: it is build\/sinew-simd\.wasm/);
  });
});

describe('init checks that the module it is given is a sinew kernel build', () => {
  const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  // Every export of a build: heap_base, each kernel of the ABI (the twin implements exactly those), memory.
  const required = ['heap_base', ...Object.keys(createJsKernels(() => new Float32Array(0))), 'memory'];
  const firstSix = required.slice(0, 6).join(', '); // heap_base, matmul, matmul_nt, …

  it('an empty module as bytes or as module: names init, what it lacks and how many, and what to pass', async () => {
    const lacks = `it lacks the exports ${firstSix}, … (${required.length} missing)`;
    await expect(init({ bytes: EMPTY_MODULE })).rejects.toThrow(
      `init: the WebAssembly module given as \`bytes\` is not a sinew kernel build: ${lacks}; pass the bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm`,
    );
    await expect(init({ module: new WebAssembly.Module(EMPTY_MODULE), build: 'wasm-simd' })).rejects.toThrow(
      `init: the \`module\` given is not a sinew kernel build: ${lacks}; pass the compiled module of build/sinew-relaxed.wasm or build/sinew-simd.wasm`,
    );
  });

  it('a foreign module (a lone memory) and a stale build lacking one kernel are named as such', async () => {
    const foreign = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x0a, 0x01, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00]); // exports only a memory
    await expect(init({ bytes: foreign })).rejects.toThrow(`lacks the exports ${firstSix}, … (${required.length - 1} missing)`);
    // The SIMD build with one export renamed (export names come first in the file, before the name section).
    const stale = simdBytes.slice();
    const name = new TextEncoder().encode('dropout_forward');
    const at = Buffer.from(stale).indexOf(Buffer.from(name));
    stale[at + name.length - 1] = 0x58; // dropout_forwarX
    await expect(init({ bytes: stale, build: 'wasm-simd' })).rejects.toThrow(/: it lacks the export dropout_forward \(1 missing\); pass the bytes of/);
  });

  it('bytes that are not WebAssembly at all, or are not bytes, and a module that is not a module', async () => {
    await expect(init({ bytes: new TextEncoder().encode('<!doctype html><html>') })).rejects.toThrow(
      'init: the `bytes` given are not WebAssembly (21 bytes starting "<!doctype html><html>"); pass the bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm',
    );
    await expect(init({ bytes: new ArrayBuffer(0) })).rejects.toThrow('init: the `bytes` given are not WebAssembly (0 bytes); pass the bytes of');
    await expect(init({ bytes: simdBytes.subarray(0, 200) })).rejects.toThrow(/^init: the `bytes` given do not compile as WebAssembly \(.+\); pass the bytes of/);
    await expect(init({ bytes: 'sinew-simd.wasm' as unknown as BufferSource })).rejects.toThrow('init: expected `bytes` to be an ArrayBuffer or a typed array, received string');
    await expect(init({ module: simdBytes as unknown as WebAssembly.Module })).rejects.toThrow('init: expected the `module` given to be a compiled WebAssembly.Module, received a Uint8Array');
    await expect(init({ module: WebAssembly.compile(simdBytes) as unknown as WebAssembly.Module })).rejects.toThrow('received a Promise (missing `await`?)');
  });

  it('a failed check leaves the previous backend in place', async () => {
    expect(await init({ build: 'wasm-simd' })).toBe('wasm-simd');
    await expect(init({ bytes: EMPTY_MODULE })).rejects.toThrow(/not a sinew kernel build/);
    expect(backendName()).toBe('wasm-simd');
    expect(fillWorks()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });
});

describe('loading from files', () => {
  it('the build URLs point at build/ next to src/, where the files are', () => {
    for (const build of ['wasm-relaxed', 'wasm-simd'] as const) {
      expect(wasmUrl(build).href).toMatch(new RegExp(`/build/sinew-${build.slice(5)}\\.wasm$`));
      expect(readFileSync(wasmUrl(build)).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    }
  });

  it('a missing file fails with the path tried and the fixes', async () => {
    const missing = new URL('../../build/no-such-build.wasm', import.meta.url);
    const error = (await fileOrFetchLoader(() => missing)('wasm-simd').catch((e: unknown) => e)) as WasmLoadError;
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.attempts).toEqual([expect.stringMatching(new RegExp(`^reading ${missing.href}: .*ENOENT`))]);
    expect(error.message).toContain('sinew: could not load the wasm-simd kernels.');
    expect(error.message).toContain('npm run build:wasm');
    expect(error.message).toContain('init({ bytes })');
  });

  it('a file that is not WebAssembly is named as such', async () => {
    const error = (await fileOrFetchLoader(() => new URL(import.meta.url))('wasm-simd').catch((e: unknown) => e)) as WasmLoadError;
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(/is not a WebAssembly file \(\d+ bytes starting "\/\/ src\/runtime in Node/);
  });

  it('a file: URL is read without any import of node: modules (process.getBuiltinModule)', () => {
    const source = readFileSync(new URL('../../src/runtime/load_bytes.ts', import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    expect(source).not.toMatch(/import\s*\(?\s*['"]node:/);
  });
});

describe('loading over HTTP (browsers, bundlers)', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/kernels.wasm') response.writeHead(200, { 'content-type': 'application/wasm' }).end(simdBytes);
      else if (request.url === '/octets.wasm') response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(simdBytes);
      else if (request.url === '/outside.wasm') response.writeHead(403).end();
      else if (request.url === '/fallback.wasm') response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>app</body></html>');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(['/kernels.wasm', '/octets.wasm'])('fetches and compiles %s (streaming when labelled application/wasm)', async (path) => {
    for (const loader of [fetchLoader, fileOrFetchLoader]) {
      const module = await loader(() => new URL(path, origin))('wasm-simd');
      expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('matmul');
    }
  });

  it('an HTTP error fails with the URL, the status and the fixes', async () => {
    const error = (await fetchLoader(() => new URL('/missing.wasm', origin))('wasm-relaxed').catch((e: unknown) => e)) as WasmLoadError;
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.attempts).toEqual([`fetching ${origin}/missing.wasm: HTTP 404 Not Found`]);
    expect(error.message).toContain("new URL('…wasm', import.meta.url)");
    expect(error.message).toContain('init({ module })');
  });

  it('a 403 (a dev server guarding its folders, e.g. with a linked package) adds how to allow the folder', async () => {
    const error = (await fetchLoader(() => new URL('/outside.wasm', origin))('wasm-simd').catch((e: unknown) => e)) as WasmLoadError;
    expect(error.attempts).toEqual([`fetching ${origin}/outside.wasm: HTTP 403 Forbidden`]);
    expect(error.message).toContain('server.fs.allow');
  });

  it("a server's HTML fallback page instead of the .wasm is named as such", async () => {
    const error = (await fetchLoader(() => new URL('/fallback.wasm', origin))('wasm-simd').catch((e: unknown) => e)) as WasmLoadError;
    expect(error.message).toContain(`fetching ${origin}/fallback.wasm: the response is not a WebAssembly file (44 bytes starting "<!doctype html><html><bo"; a server's fallback page?)`);
  });
});

it('where the embedder forbids compiling from bytes (workerd), says to import the module instead', async () => {
  const refusal = new WebAssembly.CompileError('WebAssembly.compile(): Wasm code generation disallowed by embedder');
  vi.spyOn(WebAssembly, 'compile').mockRejectedValue(refusal);
  const error = (await compileBytes(simdBytes).catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(/forbids compiling WebAssembly from bytes \(Cloudflare workerd does\).*'workerd' export condition.*init\(\{ module \}\)/);
  expect(error.cause).toBe(refusal);
  await expect(init({ bytes: simdBytes, build: 'wasm-simd' })).rejects.toThrow(/forbids compiling WebAssembly from bytes/);
});
