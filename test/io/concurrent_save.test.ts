// Several saves into one directory at once, in one process: each commits whole (they run one at a
// time, through model.json.lock), and the directory loads one committed generation at every moment.
// And the lock's own cases: a lock left by a dead process is broken, one of a live process is waited
// for, one from another host is never broken (the wait ends with an error naming it), an unreadable
// one is broken once it stays unchanged, and a breaker that died midway does not block the next.
// Two processes at once (child processes, SIGKILL included): kill_during_save.test.ts.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { __testing, readModelJson, readWeightFiles, writeModelFiles } from '../../src/io/file_system.js';

let root: string;
const timings = __testing as { lockTimings?: { waitMs?: number; partialMs?: number } };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sinew-concurrent-'));
});
afterEach(() => {
  timings.lockTimings = undefined;
  rmSync(root, { recursive: true, force: true });
});

/** Weights whose every float is the generation, so a mixed pair shows. */
function weightsOf(gen: number, floats = 4096): Uint8Array {
  return new Uint8Array(new Float32Array(floats).fill(gen).buffer);
}

function modelJson(gen: number): Record<string, unknown> {
  return {
    format: 'layers-model',
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [4096], dtype: 'float32' }] }],
    userDefinedMetadata: { gen },
  };
}

/** The generation the directory loads; throws unless model.json and every weight agree. */
async function loadGeneration(dir: string): Promise<number> {
  const { json, dir: base } = await readModelJson(dir);
  const j = json as { weightsManifest: { paths: string[] }[]; userDefinedMetadata: { gen: number } };
  const bytes = await readWeightFiles(base, j.weightsManifest.flatMap((g) => g.paths), 1 << 20, json);
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const gen = j.userDefinedMetadata.gen;
  const wrong = floats.findIndex((f) => f !== gen);
  if (wrong >= 0) throw new Error(`model.json says generation ${gen}, weight ${wrong} is ${floats[wrong]}`);
  return gen;
}

/** A pid that is certainly dead: a child that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function plantLock(dir: string, holder: { pid: number; host?: string; token?: string }, name = 'model.json.lock'): void {
  writeFileSync(join(dir, name), JSON.stringify({ pid: holder.pid, host: holder.host ?? hostname(), token: holder.token ?? 'planted-token-1' }));
}

describe('saves into one directory at once (one process)', () => {
  it('two saves after a good one, in 20 directories: both commit whole, every directory loads one of them', async () => {
    const dirs = Array.from({ length: 20 }, (_, i) => join(root, `d${i}`));
    await Promise.all(dirs.map((d) => writeModelFiles(d, modelJson(1), weightsOf(1))));
    const outcomes = await Promise.allSettled(dirs.flatMap((d) => [writeModelFiles(d, modelJson(2), weightsOf(2)), writeModelFiles(d, modelJson(3), weightsOf(3))]));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    for (const d of dirs) {
      expect([2, 3]).toContain(await loadGeneration(d));
      expect(readdirSync(d).sort()).toEqual(['model.json', 'weights.bin']);
    }
  });

  it('eight saves at once while a reader loads in a loop: every load is one committed generation', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(0), weightsOf(0));
    let saving = true;
    const seen = new Set<number>();
    const reader = (async () => {
      while (saving) {
        const before = readFileSync(join(dir, 'model.json'), 'utf8');
        try {
          seen.add(await loadGeneration(dir));
        } catch (e) {
          // A reader racing a commit may find model.json replaced under it; never a broken directory.
          if (readFileSync(join(dir, 'model.json'), 'utf8') === before) throw e;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const saves = Array.from({ length: 8 }, (_, i) => writeModelFiles(dir, modelJson(i + 1), weightsOf(i + 1)));
    await Promise.all(saves);
    saving = false;
    await reader;
    expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(await loadGeneration(dir));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(seen.size).toBeGreaterThan(0);
  });
});

describe('the save lock', () => {
  it('is broken when its holder is dead (a process killed mid-save)', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), weightsOf(1));
    plantLock(dir, { pid: deadPid() });
    timings.lockTimings = { waitMs: 5000 };
    await writeModelFiles(dir, modelJson(2), weightsOf(2));
    expect(await loadGeneration(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('is waited for while its holder lives, and broken once it dies', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), weightsOf(1));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    plantLock(dir, { pid: holder.pid! });
    let done = false;
    const save = writeModelFiles(dir, modelJson(2), weightsOf(2)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(done, 'the save waited for the live holder').toBe(false);
    expect(await loadGeneration(dir)).toBe(1);
    holder.kill('SIGKILL');
    await exited;
    await save;
    expect(await loadGeneration(dir)).toBe(2);
    expect(existsSync(join(dir, 'model.json.lock'))).toBe(false);
  });

  it('from another host is never broken: the save fails naming the host and the file, and writes nothing', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), weightsOf(1));
    plantLock(dir, { pid: deadPid(), host: 'other-host.example' });
    timings.lockTimings = { waitMs: 300 };
    await expect(writeModelFiles(dir, modelJson(2), weightsOf(2))).rejects.toThrow(
      `sinew: cannot write '${dir}': another save into it (process `,
    );
    await expect(writeModelFiles(dir, modelJson(2), weightsOf(2))).rejects.toThrow(
      `on host other-host.example) still holds ${join(dir, 'model.json.lock')} after 0.3 s; if no save is running, delete that file`,
    );
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.json.lock', 'weights.bin']);
    expect(await loadGeneration(dir)).toBe(1);
  });

  it('unreadable (empty, garbage, or a planted link) is broken once it stays unchanged, the link target untouched', async () => {
    timings.lockTimings = { partialMs: 150, waitMs: 5000 };
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    const plants: [string, (lock: string) => void][] = [
      ['empty', (lock) => writeFileSync(lock, '')],
      ['garbage', (lock) => writeFileSync(lock, '{"pid": "x"')],
      ['link', (lock) => symlinkSync(victim, lock)],
    ];
    for (const [what, plant] of plants) {
      const dir = join(root, what);
      await writeModelFiles(dir, modelJson(1), weightsOf(1));
      plant(join(dir, 'model.json.lock'));
      const started = Date.now();
      await writeModelFiles(dir, modelJson(2), weightsOf(2));
      expect(Date.now() - started, what).toBeGreaterThanOrEqual(140);
      expect(await loadGeneration(dir), what).toBe(2);
      expect(readdirSync(dir).sort(), what).toEqual(['model.json', 'weights.bin']);
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('a breaker that died midway does not block the next one, and its file is cleaned up', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), weightsOf(1));
    plantLock(dir, { pid: deadPid(), token: 'dead-holder' });
    plantLock(dir, { pid: deadPid(), token: 'dead-breaker' }, 'model.json.lock.break-dead-holder.1');
    timings.lockTimings = { waitMs: 5000 };
    await writeModelFiles(dir, modelJson(2), weightsOf(2));
    expect(await loadGeneration(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('works where hard links are not supported (the lock is then created with wx and a write)', async () => {
    const fs = await import('node:fs/promises');
    const noLinks = { ...fs, link: async () => Promise.reject(Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' })) };
    (__testing as { fs?: unknown }).fs = noLinks;
    try {
      const dir = join(root, 'm');
      await writeModelFiles(dir, modelJson(1), weightsOf(1));
      await Promise.all([writeModelFiles(dir, modelJson(2), weightsOf(2)), writeModelFiles(dir, modelJson(3), weightsOf(3))]);
      plantLock(dir, { pid: deadPid() });
      await writeModelFiles(dir, modelJson(4), weightsOf(4));
      expect(await loadGeneration(dir)).toBe(4);
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    } finally {
      (__testing as { fs?: unknown }).fs = undefined;
    }
  });

  it('a live breaker is left to finish: the save waits instead of breaking alongside it', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), weightsOf(1));
    const breaker = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => breaker.on('exit', resolve));
    plantLock(dir, { pid: deadPid(), token: 'dead-holder' });
    plantLock(dir, { pid: breaker.pid!, token: 'live-breaker' }, 'model.json.lock.break-dead-holder.1');
    let done = false;
    const save = writeModelFiles(dir, modelJson(2), weightsOf(2)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(existsSync(join(dir, 'model.json.lock'))).toBe(true);
    breaker.kill('SIGKILL');
    await exited;
    await save;
    expect(await loadGeneration(dir)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });
});
