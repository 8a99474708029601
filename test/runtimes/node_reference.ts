// Node's results for the browser project to compare against: runs the scenario from the source tree
// (the same build/*.wasm the browser test fetches) and prints one JSON line per build argument.
// Run by the `nodeReference` browser command in vitest.config.ts, in a Node child process with the
// relaxed-SIMD flag where Node needs it.
import * as sinew from '../../src/index.js';
import * as datasets from '../../src/datasets/index.js';
import { runScenario } from './scenario.mjs';

for (const build of process.argv.slice(2) as ('wasm-relaxed' | 'wasm-simd')[]) {
  console.log(JSON.stringify(await runScenario({ sinew, datasets }, { build })));
}
