// A model's worker threads and the one operation they share at a time. The control block lives in
// the model's shared memory: the calling thread writes an operation and its arguments, bumps the
// sequence word and computes part 0 itself; each worker computes its part and counts itself done.
// No operation overlaps another, so one block serves every call. A worker that has died (or never
// answers) fails the call it was part of with a clear error before the step's optimizer update (the
// update runs on the calling thread alone), and the model goes on with one thread.

import { SinewError } from '../../errors.js';
import { SPLIT_OPS, type ThreadExports } from './abi.js';
import { ARGS_BYTE, CONTROL_WORDS, DONE, FAILED, MAX_ARGS, OP, OP_DENSE_FORWARD, PARTS, READY, SEQ, STOP } from './control.js';

export { CONTROL_BYTES } from './control.js';
/** Fused multiply-adds below which a product is not worth sharing (a few microseconds of work). */
const MIN_WORK_PER_PART = 1 << 17;
const MAIN_SPIN = 1 << 20;
/** A part not done after this long means its worker is gone. */
const DEADLINE_MS = 15_000;

export interface WorkerHandle {
  terminate(): void;
}

/** What spawn() gives each worker. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  index: number;
  scratch: number;
}

/** Starts one worker running WORKER_SOURCE with `data`; `onDeath` is called if it errors or exits. */
export type SpawnWorker = (data: WorkerData, onDeath: (why: string) => void) => WorkerHandle;

export class ThreadPool {
  private readonly c: Int32Array;
  private readonly f: Float64Array;
  private readonly fns: ((...args: number[]) => void)[];
  private readonly workers: WorkerHandle[] = [];
  /** Why a worker died, until a call has reported it; then the pool is closed. */
  private death: string | undefined;
  private closed = false;
  /** Set once every worker has started (READY only ever grows), so a call reads no shared word for it. */
  private started = false;

  constructor(
    readonly threads: number,
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    control: number,
    scratch: readonly number[],
    exports: ThreadExports,
    spawn: SpawnWorker,
    private readonly canBlock: boolean,
  ) {
    this.c = new Int32Array(memory.buffer, control, CONTROL_WORDS);
    this.f = new Float64Array(memory.buffer, control + ARGS_BYTE, MAX_ARGS);
    this.fns = SPLIT_OPS.map((name) => exports[name] as (...args: number[]) => void);
    for (let index = 1; index < threads; index++) {
      const onDeath = (why: string) => {
        if (!this.closed && this.death === undefined) this.death = `worker ${index} ${why}`;
      };
      this.workers.push(spawn({ module, memory, control, index, scratch: scratch[index - 1] }, onDeath));
    }
  }

  /** Threads that run a shared product now: all of them once every worker has started, else 1. */
  get running(): number {
    if (this.closed || this.death !== undefined) return 1;
    this.started ||= Atomics.load(this.c, READY) === this.threads - 1;
    return this.started ? this.threads : 1;
  }

  /** Resolves once every worker has started (or failed to), polling without blocking the event loop. */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (!this.closed && this.death === undefined && Atomics.load(this.c, READY) < this.threads - 1 && Date.now() - start < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** How many parts a product of M·K·N multiply-adds is cut into (1: run it on this thread). */
  partsFor(work: number): number {
    this.reportDeath();
    const running = this.running;
    if (running === 1) return 1;
    return Math.max(1, Math.min(running, Math.floor(work / MIN_WORK_PER_PART)));
  }

  /** Runs operation `op` (an index into SPLIT_OPS) in `parts` parts; arguments a0… as the export takes them. */
  run(op: number, parts: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7 = 0, a8 = 0): void {
    const { c, f } = this;
    f[0] = a0; f[1] = a1; f[2] = a2; f[3] = a3; f[4] = a4; f[5] = a5; f[6] = a6; f[7] = a7; f[8] = a8;
    c[OP] = op;
    c[PARTS] = parts;
    Atomics.store(c, DONE, 0);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    if (op === OP_DENSE_FORWARD) this.fns[op](a0, a1, a2, a3, a4, a5, a6, a7, a8, 0, parts);
    else this.fns[op](a0, a1, a2, a3, a4, a5, a6, 0, parts);
    this.awaitParts(parts - 1);
    const failed = Atomics.exchange(c, FAILED, 0);
    if (failed !== 0) this.fail(`worker ${failed} threw while computing its part`);
  }

  /** Ends the workers (they never keep a process alive, but a disposed model needs them no more). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.c, STOP, 1);
    Atomics.add(this.c, SEQ, 1);
    Atomics.notify(this.c, SEQ);
    for (const w of this.workers) w.terminate();
  }

  private awaitParts(target: number): void {
    const c = this.c;
    let done = Atomics.load(c, DONE);
    for (let spin = 0; done < target && spin < MAIN_SPIN; spin++) done = Atomics.load(c, DONE);
    if (done >= target) return;
    const start = Date.now();
    while ((done = Atomics.load(c, DONE)) < target) {
      // A browser's main thread may not block: it spins (a part takes milliseconds at most).
      if (this.canBlock) Atomics.wait(c, DONE, done, 20);
      if (this.death !== undefined || Date.now() - start > DEADLINE_MS) {
        this.fail(this.death ?? `a worker did not finish its part within ${DEADLINE_MS / 1000} s`);
      }
    }
  }

  private reportDeath(): void {
    if (this.death !== undefined && !this.closed) this.fail(this.death);
  }

  private fail(why: string): never {
    this.close();
    throw new SinewError(
      `sinew: a worker thread failed (${why}); this call was stopped before it changed the model's weights, ` +
        'and the model goes on with one thread',
    );
  }
}
