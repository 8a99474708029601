// Runs the scenario in Node, Deno or Bun against the installed package: copied by
// test/runtimes/consumer.ts next to a node_modules/sinew unpacked from `npm pack`, so 'sinew'
// resolves through the package's own `exports` conditions. Prints one JSON line per build asked
// for (arguments: builds, e.g. `auto wasm-simd`).
import * as sinew from 'sinew';
import * as datasets from 'sinew/datasets';
import { runScenario } from './scenario.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
for (const build of args.length ? args : ['auto']) {
  console.log(JSON.stringify(await runScenario({ sinew, datasets }, { build })));
}
