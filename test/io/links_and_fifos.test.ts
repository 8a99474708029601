// The file layer and what else a directory can hold: symbolic links planted where a save writes its
// temporary files (never followed: the link's target keeps its bytes, nothing is created there),
// links that would take a reader out of the model directory (refused: a secret file must not come back
// as weights), and FIFOs where a regular file is expected (refused at once: a blocked open would hang
// the load and hold one of libuv's four threads, stalling every other file read of the process).

import { execFileSync } from 'node:child_process';
import { constants, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/io/crc32.js';
import { readModelJson, readWeightFiles, writeModelFiles } from '../../src/io/file_system.js';
import { bytesOf } from '../helpers/bytes.js';

let root: string;
let fifos: string[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sinew-links-'));
  fifos = [];
});
afterEach(() => {
  // Opening the write side releases a reader blocked on a FIFO (code that opens FIFOs would hang here).
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting: ENXIO
    }
  }
  rmSync(root, { recursive: true, force: true });
});

function modelJson(gen: number, paths = ['weights.bin']): Record<string, unknown> {
  return {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: `m${gen}` } },
    weightsManifest: [{ paths, weights: [{ name: 'w', shape: [16], dtype: 'float32' }] }],
    userDefinedMetadata: { gen },
  };
}

async function load(dir: string): Promise<{ gen: unknown; weights: Uint8Array }> {
  const { json, dir: base } = await readModelJson(dir);
  const j = json as { weightsManifest: { paths: string[] }[]; userDefinedMetadata: { gen: unknown } };
  return { gen: j.userDefinedMetadata.gen, weights: await readWeightFiles(base, j.weightsManifest.flatMap((g) => g.paths), 1 << 20, json) };
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
  fifos.push(path);
}

/** Rejects unless `work` settles within `ms` (a hang fails the test instead of stalling it). */
function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms))]);
}

describe('saving through planted links', () => {
  it('a weights.bin.tmp link to another file: the save replaces the link and the file keeps its bytes', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), bytesOf(64, 1));
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'weights.bin.tmp'));
    await writeModelFiles(dir, modelJson(2), bytesOf(64, 2));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await load(dir)).toEqual({ gen: 2, weights: bytesOf(64, 2) });
  });

  it('a model.json.tmp link to a missing file: no file appears at its target', async () => {
    for (const first of [true, false]) {
      const dir = join(root, first ? 'fresh' : 'saved');
      mkdirSync(dir);
      if (!first) await writeModelFiles(dir, modelJson(1), bytesOf(64, 1));
      const target = join(root, `${first ? 'fresh' : 'saved'}-created.json`);
      symlinkSync(target, join(dir, 'model.json.tmp'));
      await writeModelFiles(dir, modelJson(2), bytesOf(64, 2));
      expect(existsSync(target), first ? 'first save' : 'second save').toBe(false);
      expect(await load(dir)).toEqual({ gen: 2, weights: bytesOf(64, 2) });
    }
  });

  it('links planted as weights.bin and weights.prev.bin: replaced, their targets untouched', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), bytesOf(64, 1));
    const victim = join(root, 'victim.bin');
    writeFileSync(victim, bytesOf(64, 9));
    rmSync(join(dir, 'weights.bin'));
    symlinkSync(victim, join(dir, 'weights.bin'));
    symlinkSync(victim, join(dir, 'weights.prev.bin'));
    await writeModelFiles(dir, modelJson(2), bytesOf(64, 2));
    expect(new Uint8Array(readFileSync(victim))).toEqual(bytesOf(64, 9));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await load(dir)).toEqual({ gen: 2, weights: bytesOf(64, 2) });
  });
});

describe('reading through links out of the directory', () => {
  it('refuses a weights.bin link to a secret file, with or without a CRC in model.json', async () => {
    const secret = join(root, 'secret.bin');
    writeFileSync(secret, bytesOf(64, 7));
    const dir = join(root, 'm');
    mkdirSync(dir);
    symlinkSync(secret, join(dir, 'weights.bin'));
    const withCrc = { ...modelJson(1), userDefinedMetadata: { gen: 1, sinew: { weightsCrc32: crc32(bytesOf(64, 7)), weightsBytes: 64 } } };
    for (const json of [modelJson(1), withCrc]) {
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      const attempt = load(dir);
      await expect(attempt).rejects.toThrow(`${join(dir, 'weights.bin')} is refused: it is outside the model directory once links are resolved`);
      await expect(attempt).rejects.toThrow(`it leads to ${secret}`);
    }
  });

  it('refuses weights in a linked sub-folder that lies outside', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'w.bin'), bytesOf(64, 3));
    const dir = join(root, 'm');
    mkdirSync(dir);
    symlinkSync(elsewhere, join(dir, 'sub'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson(1, ['sub/w.bin'])));
    await expect(load(dir)).rejects.toThrow(`${join(dir, 'sub/w.bin')} is refused: it is outside the model directory`);
  });

  it('refuses a dangling link, a link loop and a directory as weights', async () => {
    const dir = join(root, 'm');
    mkdirSync(join(dir, 'd'), { recursive: true });
    symlinkSync(join(root, 'nothing'), join(dir, 'dangling.bin'));
    symlinkSync(join(dir, 'loop.bin'), join(dir, 'loop.bin'));
    await expect(readWeightFiles(dir, ['dangling.bin'], 100, {})).rejects.toThrow(`${join(dir, 'dangling.bin')} is refused: it is a symbolic link to nothing`);
    await expect(readWeightFiles(dir, ['loop.bin'], 100, {})).rejects.toThrow(`${join(dir, 'loop.bin')} is refused: it is a loop of symbolic links`);
    await expect(readWeightFiles(dir, ['d'], 100, {})).rejects.toThrow(`${join(dir, 'd')} is refused: it is a directory`);
  });

  it('still loads links that stay inside the directory, and a model directory reached through a link', async () => {
    const real = join(root, 'real');
    await writeModelFiles(real, modelJson(1), bytesOf(64, 1));
    mkdirSync(join(real, 'shards'));
    writeFileSync(join(real, 'shards', 'a.bin'), bytesOf(8, 4));
    symlinkSync(join(real, 'shards', 'a.bin'), join(real, 'a-link.bin'));
    symlinkSync('shards', join(real, 'shard-dir'));
    expect(await readWeightFiles(real, ['a-link.bin', 'shard-dir/a.bin'], 100, {})).toEqual(new Uint8Array([...bytesOf(8, 4), ...bytesOf(8, 4)]));
    const alias = join(root, 'alias');
    symlinkSync(real, alias);
    expect(await load(alias)).toEqual({ gen: 1, weights: bytesOf(64, 1) });
  });
});

describe('FIFOs', () => {
  it('refuses a FIFO as model.json at once, naming it', async () => {
    const dir = join(root, 'm');
    mkdirSync(dir);
    mkfifo(join(dir, 'model.json'));
    await expect(within(3000, readModelJson(dir), 'readModelJson')).rejects.toThrow(`${join(dir, 'model.json')} is not a regular file (a FIFO, socket or device), so not a model.json`);
  });

  it('five FIFOs as model.json do not stall the other file reads of the process', async () => {
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      const dir = join(root, `m${i}`);
      mkdirSync(dir);
      mkfifo(join(dir, 'model.json'));
      attempts.push(readModelJson(dir).then(() => 'loaded', (e: Error) => e.message));
    }
    writeFileSync(join(root, 'plain.txt'), 'still readable');
    // Each blocked open would hold one of libuv's 4 threads: this read would wait behind them.
    expect(await within(3000, readFile(join(root, 'plain.txt'), 'utf8'), 'an unrelated readFile')).toBe('still readable');
    for (const outcome of await within(3000, Promise.all(attempts), 'the FIFO loads')) expect(outcome).toContain('is not a regular file');
  });

  it('refuses a FIFO as the weights file, with and without a CRC, and as the .prev file', async () => {
    const dir = join(root, 'm');
    await writeModelFiles(dir, modelJson(1), bytesOf(64, 1));
    rmSync(join(dir, 'weights.bin'));
    mkfifo(join(dir, 'weights.bin'));
    mkfifo(join(dir, 'weights.prev.bin'));
    await expect(within(3000, load(dir), 'load')).rejects.toThrow(`${join(dir, 'weights.bin')} is refused: it is not a regular file`);
    await expect(within(3000, load(dir), 'load')).rejects.toThrow(`${join(dir, 'weights.prev.bin')} is refused: it is not a regular file`);
    await expect(within(3000, readWeightFiles(dir, ['weights.bin'], 100, {}), 'readWeightFiles')).rejects.toThrow('is refused: it is not a regular file');
    // A save over it does not block either, and replaces the FIFO.
    await within(3000, writeModelFiles(dir, modelJson(2), bytesOf(64, 2)), 'a save over a FIFO');
    expect(await load(dir)).toEqual({ gen: 2, weights: bytesOf(64, 2) });
  });
});
