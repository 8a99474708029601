// Runs the scenario in Node, Deno or Bun against the installed package: copied by
// test/runtimes/consumer.ts next to a node_modules/sinew unpacked from `npm pack`, so 'sinew-nn'
// resolves through the package's own `exports` conditions. Prints one JSON line per build asked
// for (arguments: builds, e.g. `auto wasm-simd`), and for `files` the save/load-through-a-directory check.
import * as sinew from 'sinew-nn';
import * as datasets from 'sinew-nn/datasets';
import { runFileRoundTrip, runScenario } from './scenario.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
for (const build of args.length ? args : ['auto']) {
  if (build === 'files') console.log(JSON.stringify(await runFileRoundTrip({ sinew }, `saved-${Date.now()}-${Math.floor(Math.random() * 1e9)}`)));
  else console.log(JSON.stringify(await runScenario({ sinew, datasets }, { build })));
}
