// Keras's live progress bar for fit's `verbose: 1` in a terminal: `Epoch 3/10` and then one line
// rewritten in place at most ten times a second, `312/469 ━━━━━━━━━━━━╺━━━━━━━ 1s 3ms/step - accuracy:
// 0.8512 - loss: 0.4213`, finished with the epoch's time and its validation logs. Without a terminal
// (CI, a pipe) fit prints one line per epoch instead (progress.ts).

import type { Logs } from './history.js';

/** Where the bar goes: a terminal's stdout. */
export interface ProgressSink {
  write(text: string): void;
}

/** Test seam: a sink that stands in for the terminal. */
export const __testing: { sink: ProgressSink | undefined } = { sink: undefined };

/** stdout when it is a terminal (Node, Bun: process.stdout.isTTY; Deno: Deno.stdout.isTerminal()), else undefined. */
export function terminalSink(): ProgressSink | undefined {
  if (__testing.sink) return __testing.sink;
  const g = globalThis as {
    process?: { stdout?: { isTTY?: boolean; write?: (s: string) => unknown } };
    Deno?: { stdout?: { isTerminal?: () => boolean; writeSync?: (b: Uint8Array) => number } };
  };
  const out = g.process?.stdout;
  if (out?.isTTY && typeof out.write === 'function') return { write: (s) => void out.write!(s) };
  const deno = g.Deno?.stdout;
  if (deno?.isTerminal?.() && deno.writeSync) {
    const enc = new TextEncoder();
    return { write: (s) => void deno.writeSync!(enc.encode(s)) };
  }
  return undefined;
}

const WIDTH = 20;
const EVERY_MS = 100;

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function perStep(ms: number): string {
  return ms >= 1 ? `${Math.round(ms)}ms/step` : `${Math.round(ms * 1000)}us/step`;
}

function value(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : v.toFixed(4);
}

export class ProgressBar {
  private started = 0;
  private lastDraw = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly steps: number,
  ) {}

  epochBegin(epoch: number, epochs: number): void {
    this.sink.write(`Epoch ${epoch + 1}/${epochs}\n`);
    this.started = performance.now();
    this.lastDraw = 0;
  }

  /** After batch `step` (1-based) with the running averages of the epoch so far; drawn at most every 100 ms. */
  batchEnd(step: number, running: Logs): void {
    const now = performance.now();
    if (step < this.steps && now - this.lastDraw < EVERY_MS) return;
    this.lastDraw = now;
    const elapsed = now - this.started;
    const eta = (elapsed / step) * (this.steps - step);
    this.sink.write(`\r${this.line(step, step < this.steps ? seconds(eta) : seconds(elapsed), elapsed / step, running)}\x1b[K`);
  }

  /** The finished line with every log of the epoch (validation included). */
  epochEnd(logs: Logs): void {
    const elapsed = performance.now() - this.started;
    this.sink.write(`\r${this.line(this.steps, seconds(elapsed), elapsed / this.steps, logs)}\x1b[K\n`);
  }

  private line(step: number, time: string, msPerStep: number, logs: Logs): string {
    const done = Math.floor((WIDTH * step) / this.steps);
    const bar = step >= this.steps ? '━'.repeat(WIDTH) : `${'━'.repeat(done)}╺\x1b[2m${'━'.repeat(WIDTH - done - 1)}\x1b[0m`;
    const count = `${String(step).padStart(String(this.steps).length)}/${this.steps}`;
    // Keras 3 lists the logs by name.
    const parts = Object.keys(logs)
      .filter((k) => k !== 'batch' && k !== 'size')
      .sort()
      .map((k) => `${k}: ${value(logs[k])}`);
    return [`${count} ${bar} ${time} ${perStep(msPerStep)}`, ...parts].join(' - ');
  }
}
