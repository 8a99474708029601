// The code every worker thread runs, as source text: a worker made from a string needs no file of
// its own, so it starts the same way from this package, a bundle, Node (`eval: true`), Deno and
// browsers (a Blob URL). It instantiates the shared-memory kernel build over the model's memory,
// points its packing scratch at its own region, and then serves one operation at a time from the
// control block (control.ts, whose numbers are written into the text).

import { ARGS_BYTE, CONTROL_WORDS, DONE, FAILED, MAX_ARGS, OP, OP_DENSE_FORWARD, PARTS, READY, SEQ, STOP } from './control.js';
import { SPLIT_OPS } from './abi.js';

/** Spins on the sequence word this many times before sleeping: consecutive kernels of one step come microseconds apart. */
export const WORKER_SPIN = 200_000;

export const WORKER_SOURCE = `
const SEQ = ${SEQ}, OP = ${OP}, PARTS = ${PARTS}, DONE = ${DONE}, READY = ${READY}, FAILED = ${FAILED}, STOP = ${STOP};
const ARGS_BYTE = ${ARGS_BYTE}, MAX_ARGS = ${MAX_ARGS}, DENSE = ${OP_DENSE_FORWARD};
const OPS = ${JSON.stringify(SPLIT_OPS)};
function serve({ module, memory, control, index, scratch }) {
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
  k.set_scratch(scratch);
  const c = new Int32Array(memory.buffer, control, ${CONTROL_WORDS});
  const f = new Float64Array(memory.buffer, control + ARGS_BYTE, MAX_ARGS);
  const fns = OPS.map((name) => k[name]);
  let seen = Atomics.load(c, SEQ);
  Atomics.add(c, READY, 1);
  Atomics.notify(c, READY);
  for (;;) {
    let s = Atomics.load(c, SEQ);
    for (let spin = 0; s === seen && spin < ${WORKER_SPIN}; spin++) s = Atomics.load(c, SEQ);
    if (s === seen) { Atomics.wait(c, SEQ, seen); continue; }
    seen = s;
    if (Atomics.load(c, STOP) !== 0) return;
    const parts = c[PARTS];
    if (index >= parts) continue;
    try {
      const fn = fns[c[OP]];
      if (c[OP] === DENSE) fn(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], index, parts);
      else fn(f[0], f[1], f[2], f[3], f[4], f[5], f[6], index, parts);
    } catch (e) {
      Atomics.store(c, FAILED, index + 1);
    }
    if (Atomics.add(c, DONE, 1) + 1 === parts - 1) Atomics.notify(c, DONE);
  }
}
if (typeof require === 'function') {
  serve(require('node:worker_threads').workerData);
} else {
  self.onmessage = (event) => { self.onmessage = null; serve(event.data); };
}
`;
