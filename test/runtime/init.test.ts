// src/runtime in Node: init() picks and loads a build, accepts bytes or a compiled module, falls back
// to TypeScript with one warning line when SIMD is missing, and every way loading can fail ends in a
// message that says what was tried and how to fix it. (The other runtimes: test/runtimes/.)

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backendName, createBackend, init } from '../../src/runtime/init.js';
import { compileBytes, fetchLoader, fileOrFetchLoader, WasmLoadError } from '../../src/runtime/load_bytes.js';
import { WASM_FILES, wasmUrl } from '../../src/runtime/wasm_files.js';

const simdBytes = new Uint8Array(readFileSync(WASM_FILES['wasm-simd']));

afterEach(() => {
  vi.restoreAllMocks();
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
