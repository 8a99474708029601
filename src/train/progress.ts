// Progress output: one Keras-like line per epoch when verbose (default on under Node, Deno and Bun
// with a stdout, off in browsers and edge runtimes), and cheap yielding to the event loop.

import type { Logs } from './history.js';

/** 1 when running in a terminal-ish runtime (Node/Deno/Bun with a stdout), else 0. */
export function defaultVerbose(): 0 | 1 {
  const g = globalThis as { process?: { stdout?: unknown; versions?: { node?: string } }; Deno?: unknown; Bun?: unknown };
  const serverRuntime = g.Deno !== undefined || g.Bun !== undefined || g.process?.versions?.node !== undefined;
  return serverRuntime && g.process?.stdout !== undefined ? 1 : 0;
}

/** `Epoch 3/50 · 12 ms · loss 0.3412 · accuracy 0.9000 · val_loss 0.3600 · val_accuracy 0.8667` */
export function formatEpochLine(epoch: number, epochs: number, ms: number, logs: Logs): string {
  const parts = [`Epoch ${epoch + 1}/${epochs}`, `${Math.round(ms)} ms`];
  for (const key of Object.keys(logs)) parts.push(`${key} ${formatValue(logs[key])}`);
  return parts.join(' · ');
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

const YIELD_EVERY_MS = 15;
let lastYield = 0;

type Resolver = () => void;
let channel: { port1: { onmessage: unknown }; port2: { postMessage(v: unknown): void } } | undefined;
const waiting: Resolver[] = [];

function yieldOnce(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: new () => NonNullable<typeof channel> };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof g.MessageChannel === 'function') {
    // A message is a macrotask without setTimeout's ≥ 1 ms clamp.
    if (!channel) {
      channel = new g.MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    return new Promise((resolve) => {
      waiting.push(resolve);
      channel!.port2.postMessage(0);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Lets the event loop run (rendering, input, timers) if ≥ 15 ms passed since the last time, so a
 * page stays responsive without paying a macrotask per batch. Returns undefined when it did not yield.
 */
export function maybeYield(): Promise<void> | undefined {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return undefined;
  lastYield = now;
  return yieldOnce();
}
