// Builds the two WebAssembly flavours of the kernels from one source (assembly/index.ts):
//   build/sinew-simd.wasm     SIMD128            (every runtime with WebAssembly SIMD)
//   build/sinew-relaxed.wasm  SIMD128 + relaxed  (fused multiply-add where the engine has it)
//   build/sinew-*-threads.wasm  the same two over an imported shared memory (src/backend/threads/):
//                             the same code, so the same bits, on as many threads as the runtime gives
// `--runtime stub` and `--use abort=` leave a module with no imports and no GC runtime: it exports
// the kernels, `heap_base` and `memory`, nothing else (test/abi.test.ts checks that).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin', 'asc.js');
mkdirSync(join(root, 'build'), { recursive: true });

const common = ['assembly/index.ts', '-O3', '--runtime', 'stub', '--use', 'abort=', '--noAssert', '--initialMemory', '2'];
// 65536 pages = 4 GiB, wasm32's limit: a shared memory must declare its maximum.
// --zeroFilledMemory: the memory is new (zeros), so the static scratch needs no data segment; without it,
// every worker's instantiation would write those zeros again over the scratch of a thread at work.
const shared = ['--importMemory', '--sharedMemory', '--maximumMemory', '65536', '--zeroFilledMemory'];
const flavours = [
  { file: 'build/sinew-simd.wasm', features: 'simd', extra: [] },
  { file: 'build/sinew-relaxed.wasm', features: 'simd,relaxed-simd', extra: [] },
  { file: 'build/sinew-simd-threads.wasm', features: 'simd,threads', extra: shared },
  { file: 'build/sinew-relaxed-threads.wasm', features: 'simd,relaxed-simd,threads', extra: shared },
];
for (const { file, features, extra } of flavours) {
  execFileSync(process.execPath, [asc, ...common, ...extra, '--enable', features, '--outFile', file, '--textFile', file.replace(/\.wasm$/, '.wat')], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(`built ${file} (--enable ${features})`);
}
