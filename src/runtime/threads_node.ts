// Thread support in Node: worker_threads started from source text, unref'd so that a model's threads
// never keep the process alive. Elsewhere (Deno, which also runs this entry) the web's Worker.

import type { SpawnWorker } from '../backend/threads/pool.js';
import { WORKER_SOURCE } from '../backend/threads/worker_source.js';
import { isNode, sharedMemoryAvailable, webThreadSupport, type ThreadSupport } from './threads.js';

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (value: unknown) => void): void;
}
type NodeWorkerClass = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

export async function threadSupport(): Promise<ThreadSupport> {
  if (!isNode()) return webThreadSupport();
  if (!sharedMemoryAvailable()) return { cores: 1, why: 'this runtime has no shared WebAssembly memory', canBlock: false };
  // Node ≥ 20.16's getBuiltinModule (the package's floor): no import a bundler or the browser entry would follow.
  const builtin = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } }).process.getBuiltinModule;
  const { Worker } = builtin('node:worker_threads') as { Worker: NodeWorkerClass };
  const os = builtin('node:os') as { availableParallelism?(): number; cpus(): unknown[] };
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const NodeWorker = Worker;
  const spawn: SpawnWorker = (data, onDeath) => {
    const worker = new NodeWorker(WORKER_SOURCE, { eval: true, workerData: data });
    worker.unref();
    worker.on('error', (error) => onDeath(`threw: ${String(error)}`));
    worker.on('exit', (code) => onDeath(`exited (code ${String(code)})`));
    return { terminate: () => void worker.terminate() };
  };
  return { cores, spawn, canBlock: true };
}
