// A save that cannot write: the error is 'save: cannot write '<path>': <reason>' (an Error naming the
// directory and the reason, never Node's raw ENOENT/EEXIST/TypeError), no temporary file is left
// behind, and the previous checkpoint still loads. Failures are injected through the file layer's
// test seam (__testing.fs replaces fs/promises), which also gives a full disk and a read-only
// directory when running as root, where permissions do not apply.

import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as realFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { __testing, readModelJson, readWeightFiles, writeModelFiles } from '../../src/io/file_system.js';
import { ownedBy as asOwner, SinewError } from '../../src/errors.js';
import { bytesOf } from '../helpers/bytes.js';

let root: string;
const isRoot = process.getuid?.() === 0;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sinew-save-errors-'));
});
afterEach(() => {
  (__testing as { fs?: unknown }).fs = undefined;
  rmSync(root, { recursive: true, force: true });
});

function modelJson(gen: number): Record<string, unknown> {
  return {
    format: 'layers-model',
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [16], dtype: 'float32' }] }],
    userDefinedMetadata: { gen },
  };
}

async function load(dir: string): Promise<{ gen: unknown; weights: Uint8Array }> {
  const { json, dir: base } = await readModelJson(dir);
  const j = json as { weightsManifest: { paths: string[] }[]; userDefinedMetadata: { gen: unknown } };
  return { gen: j.userDefinedMetadata.gen, weights: await readWeightFiles(base, j.weightsManifest.flatMap((g) => g.paths), 1 << 20, json) };
}

function save(dir: string, gen: number, weights: Uint8Array): Promise<void> {
  return asOwner('save', writeModelFiles(dir, modelJson(gen), weights));
}

function nodeError(code: string, call: string, path: string): Error {
  return Object.assign(new Error(`${code}: injected, ${call} '${path}'`), { code, syscall: call, path });
}

/** fs/promises with one operation failing: `fails(op, path)` returns the error to throw, or undefined. */
function failing(fails: (op: string, path: string) => Error | undefined): typeof realFs {
  const wrap = (op: string, fn: (...args: never[]) => Promise<unknown>) =>
    (async (...args: never[]) => {
      const error = fails(op, String(args[0]));
      if (error) throw error;
      const result = await fn(...args);
      if (op !== 'open') return result;
      const fh = result as realFs.FileHandle;
      // Writes through this handle may fail too (a full disk fails in write, not in open).
      return new Proxy(fh, {
        get(target, key) {
          if (key === 'write') {
            return async (...w: unknown[]) => {
              const e = fails('write', String(args[0]));
              if (e) throw e;
              return (target.write as (...a: unknown[]) => unknown)(...w);
            };
          }
          const v = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as never;
  return { ...realFs, open: wrap('open', realFs.open), mkdir: wrap('mkdir', realFs.mkdir), rename: wrap('rename', realFs.rename) } as typeof realFs;
}

describe('save errors are wrapped, clean up, and keep the previous checkpoint', () => {
  it('a full disk while writing the weights: no space left on the device (ENOSPC), no .tmp left, the old checkpoint loads', async () => {
    const dir = join(root, 'm');
    await save(dir, 1, bytesOf(64, 1));
    (__testing as { fs?: unknown }).fs = failing((op, path) => (op === 'write' && path.endsWith('weights.bin.tmp') ? nodeError('ENOSPC', 'write', path) : undefined));
    const attempt = save(dir, 2, bytesOf(64, 2));
    await expect(attempt).rejects.toThrow(`save: cannot write '${dir}': no space left on the device (ENOSPC)`);
    await expect(attempt).rejects.toSatisfy((e: Error) => e instanceof SinewError && e.owner === 'save');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await load(dir)).toEqual({ gen: 1, weights: bytesOf(64, 1) });
  });

  it('a full disk while writing model.json, and a failure at each rename: the directory is as before', async () => {
    const cases: [string, (op: string, path: string) => boolean][] = [
      ['write model.json.tmp', (op, path) => op === 'write' && path.endsWith('model.json.tmp')],
      ['rename weights.bin → weights.prev.bin', (op, path) => op === 'rename' && path.endsWith('/weights.bin')],
      ['rename weights.bin.tmp → weights.bin', (op, path) => op === 'rename' && path.endsWith('weights.bin.tmp')],
      ['rename model.json.tmp → model.json', (op, path) => op === 'rename' && path.endsWith('model.json.tmp')],
    ];
    for (const [what, when] of cases) {
      const dir = join(root, what.replace(/\W+/g, '_'));
      await save(dir, 1, bytesOf(64, 1));
      (__testing as { fs?: unknown }).fs = failing((op, path) => (when(op, path) ? nodeError(op === 'write' ? 'ENOSPC' : 'EIO', op, path) : undefined));
      await expect(save(dir, 2, bytesOf(64, 2)), what).rejects.toThrow(`save: cannot write '${dir}': `);
      (__testing as { fs?: unknown }).fs = undefined;
      expect(readdirSync(dir).sort(), what).toEqual(['model.json', 'weights.bin']);
      expect(await load(dir), what).toEqual({ gen: 1, weights: bytesOf(64, 1) });
      await save(dir, 3, bytesOf(64, 3)); // and the next save works
      expect(await load(dir), what).toEqual({ gen: 3, weights: bytesOf(64, 3) });
    }
  });

  it('a directory that cannot be created (EACCES injected): permission denied, nothing written', async () => {
    const dir = join(root, 'a', 'm');
    (__testing as { fs?: unknown }).fs = failing((op, path) => (op === 'mkdir' ? nodeError('EACCES', 'mkdir', path) : undefined));
    await expect(save(dir, 1, bytesOf(64, 1))).rejects.toThrow(`save: cannot write '${dir}': permission denied (EACCES)`);
    expect(readdirSync(root)).toEqual([]);
  });

  it.skipIf(isRoot)('a read-only directory (skipped when running as root, where chmod does not stop writes): permission denied, old checkpoint kept', async () => {
    const dir = join(root, 'm');
    await save(dir, 1, bytesOf(64, 1));
    chmodSync(dir, 0o555);
    try {
      await expect(save(dir, 2, bytesOf(64, 2))).rejects.toThrow(`save: cannot write '${dir}': permission denied (EACCES)`);
      await expect(save(join(dir, 'sub'), 2, bytesOf(64, 2))).rejects.toThrow(`save: cannot write '${join(dir, 'sub')}': permission denied (EACCES)`);
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      expect(await load(dir)).toEqual({ gen: 1, weights: bytesOf(64, 1) });
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('a path that is a file, or runs through one: a file is in the way', async () => {
    writeFileSync(join(root, 'plain'), 'x');
    await expect(save(join(root, 'plain'), 1, bytesOf(64, 1))).rejects.toThrow(`save: cannot write '${join(root, 'plain')}': a file is in the way: the path names a file, not a directory (EEXIST)`);
    await expect(save(join(root, 'plain', 'm'), 1, bytesOf(64, 1))).rejects.toThrow(
      `save: cannot write '${join(root, 'plain', 'm')}': a file is in the way: a part of the path is a file, not a directory (ENOTDIR)`,
    );
  });

  it('a NUL in the path: an Error naming the path, not a TypeError', async () => {
    const attempt = save(join(root, 'a\0b'), 1, bytesOf(64, 1));
    await expect(attempt).rejects.toThrow(`save: cannot write '${join(root, 'a')}\\u0000b': the path contains a NUL character`);
    await expect(attempt).rejects.toSatisfy((e: Error) => e instanceof SinewError && e.owner === 'save');
    await expect(asOwner('loadModel', readModelJson(join(root, 'a\0b')))).rejects.toThrow('loadModel: the model path must not contain a NUL character');
  });

  it('an unreadable model.json: loadModel names the file and the reason', async () => {
    mkdirSync(join(root, 'm'));
    (__testing as { fs?: unknown }).fs = failing((op, path) => (op === 'open' && path.endsWith('model.json') ? nodeError('EACCES', 'open', path) : undefined));
    writeFileSync(join(root, 'm', 'model.json'), '{}');
    await expect(asOwner('loadModel', readModelJson(join(root, 'm')))).rejects.toThrow(`loadModel: cannot read '${join(root, 'm', 'model.json')}': permission denied (EACCES)`);
  });
});
