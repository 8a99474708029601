// How busy the machine is, from /proc/stat (Linux; elsewhere the checks report "unknown").
// The benchmark waits for a quiet machine before each run and, after it, reports how much CPU
// other processes took while it ran, so a disturbed figure is visible in the table.

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Seconds of CPU time per jiffy in /proc/stat (USER_HZ is 100 on every Linux we run on). */
const JIFFY = 0.01;

export interface CpuSnapshot {
  busy: number;
  total: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  const idle = v[3] + v[4];
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Share (0..1) of all cores busy between two snapshots. */
export function busyShare(a: CpuSnapshot, b: CpuSnapshot): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : 0;
}

/** CPU seconds all processes used between two snapshots. */
export function busySeconds(a: CpuSnapshot, b: CpuSnapshot): number {
  return (b.busy - a.busy) * JIFFY;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the machine is below `maxBusy` (share of all cores, over a 2 s window), at most
 * `maxWaitS` seconds. Returns the last measured share (undefined without /proc/stat).
 */
export async function waitForQuiet(maxBusy: number, maxWaitS: number, log: (s: string) => void): Promise<number | undefined> {
  const deadline = Date.now() + maxWaitS * 1000;
  let said = false;
  for (;;) {
    const a = cpuSnapshot();
    if (!a) return undefined;
    await sleep(2000);
    const b = cpuSnapshot()!;
    const share = busyShare(a, b);
    if (share <= maxBusy || Date.now() > deadline) {
      if (share > maxBusy) log(`  machine still ${(share * 100).toFixed(0)} % busy after ${maxWaitS} s of waiting; running anyway (flagged)`);
      return share;
    }
    if (!said) log(`  machine ${(share * 100).toFixed(0)} % busy (others' builds/tests?); waiting for < ${(maxBusy * 100).toFixed(0)} %…`);
    said = true;
    await sleep(8000);
  }
}

export function cores(): number {
  return os.cpus().length;
}
