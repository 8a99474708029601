// Whether this runtime can run kernels on several threads, how many it has, and how it starts a
// worker (the web's Worker here; Node's worker_threads in threads_node.ts, kept apart so the browser
// entry reaches no node: import). Threads need shared WebAssembly memory and workers that can receive it: Node's
// worker_threads; Deno's and browsers' Worker (in a page only when cross-origin isolated). Not
// workerd (no workers) and not Bun (its workers do not see WebAssembly's writes to shared memory).

import type { SpawnWorker } from '../backend/threads/pool.js';
import { WORKER_SOURCE } from '../backend/threads/worker_source.js';

export interface ThreadSupport {
  /** Threads to use when the caller does not say: every core the runtime reports. */
  cores: number;
  /** Undefined where threads cannot run; else how to start a worker. */
  spawn?: SpawnWorker;
  /** Why not, for the one informational line. */
  why?: string;
  /** Whether the calling thread may block in Atomics.wait (not a browser's main thread). */
  canBlock: boolean;
  /** Threads only when init({ threads }) asks: Deno's workers cannot be unref'd, so they keep a script alive until dispose(). */
  onlyWhenAsked?: boolean;
}

const g = globalThis as unknown as {
  process?: { versions?: { node?: string; bun?: string } };
  Deno?: unknown;
  navigator?: { hardwareConcurrency?: number; userAgent?: string };
  crossOriginIsolated?: boolean;
  Worker?: new (url: string, options: { type: 'module' }) => {
    postMessage(data: unknown): void;
    terminate(): void;
    addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  };
  document?: unknown;
  WebSocketPair?: unknown;
};

function sharedMemoryWorks(): boolean {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Thread support through the web's Worker (Deno, browsers); no Node API is touched. */
export function webThreadSupport(): ThreadSupport {
  const none = (why: string, cores = 1): ThreadSupport => ({ cores, why, canBlock: false });
  if (g.process?.versions?.bun) return none('Bun: its workers do not see WebAssembly writes to shared memory');
  if (!sharedMemoryWorks()) return none('this runtime has no shared WebAssembly memory');
  const cores = Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
  if (g.Worker === undefined) return none('this runtime has no Worker', cores);
  if (g.crossOriginIsolated === false) return none('the page is not cross-origin isolated (it needs the COOP and COEP headers)', cores);
  const WebWorker = g.Worker;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const spawn: SpawnWorker = (data, onDeath) => {
    const worker = new WebWorker(url, { type: 'module' });
    worker.addEventListener('error', (event) => onDeath(`threw: ${event.message ?? 'an error'}`));
    worker.postMessage(data);
    return { terminate: () => worker.terminate() };
  };
  // A page's main thread may not block; Deno's may, as may any worker.
  return { cores, spawn, canBlock: g.document === undefined, onlyWhenAsked: g.Deno !== undefined };
}

/** Whether this is Node (not Deno or Bun, which also define `process`). */
export function isNode(): boolean {
  return g.process?.versions?.node !== undefined && g.Deno === undefined && g.process?.versions?.bun === undefined;
}

export function sharedMemoryAvailable(): boolean {
  return sharedMemoryWorks();
}
