// src/io/file_system.ts in Node: CRC-32 against published vectors and a bitwise reference, the
// round trip of model.json + weights (plain paths, file:// URLs, model.json path vs directory), every
// rejection of an untrusted manifest path or oversized file with the field it names, and the
// crash-safety protocol: each kill point (through the test hook, and states built by hand) must load
// exactly the previous or the new checkpoint, also for saves started over a killed save.
// (A real SIGKILL of a saving process: kill_during_save.test.ts.)

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync, renameSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crc32 } from '../../src/io/crc32.js';
import { __testing, readModelJson, readWeightFiles, writeModelFiles } from '../../src/io/file_system.js';
import { bytesOf } from '../helpers/bytes.js';

const MB = 1024 * 1024;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sinew-fs-'));
});
afterEach(() => {
  __testing.stepsHook = undefined;
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** Bit-at-a-time CRC-32 (IEEE, reflected), written from the definition: the reference for the table version. */
function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A model.json as the lead's serialiser would hand it over: one manifest path, some metadata. */
function modelJson(gen: number, weightsName = 'weights.bin'): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: 'sinew test',
    modelTopology: { class_name: 'Sequential', config: { name: `m${gen}` } },
    weightsManifest: [{ paths: [weightsName], weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }],
    userDefinedMetadata: { gen, sinew: { optimizer: 'adam' } },
  };
}

/** The checkpoint the directory loads now: its model.json's gen and its weight bytes. */
async function load(dir: string, maxBytes = 64 * MB): Promise<{ gen: unknown; weights: Uint8Array }> {
  const { json, dir: base } = await readModelJson(dir);
  const j = json as { weightsManifest: { paths: string[] }[]; userDefinedMetadata: { gen: unknown } };
  const weights = await readWeightFiles(base, j.weightsManifest.flatMap((g) => g.paths), maxBytes, json);
  return { gen: j.userDefinedMetadata.gen, weights };
}

function files(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Runs writeModelFiles with the test hook throwing after step `killAfter`, i.e. a kill at that instant. */
async function killedSave(dir: string, gen: number, weights: Uint8Array, killAfter: number): Promise<void> {
  __testing.stepsHook = (step) => {
    if (step === killAfter) throw new Error(`killed after step ${step}`);
  };
  await expect(writeModelFiles(dir, modelJson(gen), weights)).rejects.toThrow(`killed after step ${killAfter}`);
  __testing.stepsHook = undefined;
}

describe('crc32', () => {
  it('gives the published check values', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('equals the bitwise definition for every length 0–40 at every start offset 0–7, and on 1 MB', () => {
    const data = bytesOf(48, 7);
    for (let offset = 0; offset < 8; offset++) {
      for (let n = 0; n <= 40; n++) {
        const view = data.subarray(offset, offset + n);
        expect(crc32(view), `offset ${offset}, length ${n}`).toBe(crcBitwise(view));
      }
    }
    const big = bytesOf(MB + 3, 11);
    expect(crc32(big)).toBe(crcBitwise(big));
  });
});

describe('round trip', () => {
  it('writes model.json and weights.bin, adds the CRC and length, and reads back the same bytes', async () => {
    const dir = join(root, 'a', 'b', 'model'); // created with its parents
    const weights = bytesOf(10_000, 1);
    const original = modelJson(1);
    const snapshot = structuredClone(original);
    await writeModelFiles(dir, original, weights);

    expect(files(dir)).toEqual(['model.json', 'weights.bin']); // no .tmp / .prev left behind
    expect(original).toEqual(snapshot); // the caller's object is not mutated
    const { json, dir: base, text } = await readModelJson(dir);
    expect(base).toBe(dir);
    expect(text).toBe(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json).toEqual({
      ...snapshot,
      userDefinedMetadata: { gen: 1, sinew: { optimizer: 'adam', weightsCrc32: crcBitwise(weights), weightsBytes: 10_000 } },
    });
    expect(new Uint8Array(readFileSync(join(dir, 'weights.bin')))).toEqual(weights);
    expect(await readWeightFiles(base, ['weights.bin'], 10_000, json)).toEqual(weights);
  });

  it('adds userDefinedMetadata when the JSON has none, and writes empty weights', async () => {
    await writeModelFiles(root, { format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }, new Uint8Array(0));
    const { json } = await readModelJson(root);
    expect((json as { userDefinedMetadata: unknown }).userDefinedMetadata).toEqual({ sinew: { weightsCrc32: 0, weightsBytes: 0 } });
    expect(await readWeightFiles(root, ['weights.bin'], 0, json)).toEqual(new Uint8Array(0));
  });

  it('accepts file:// URLs (percent-encoded, with a space) for writing and reading, and a model.json path', async () => {
    const dir = join(root, 'my model');
    const url = pathToFileURL(dir).href;
    expect(url).toContain('my%20model');
    const weights = bytesOf(333, 2);
    await writeModelFiles(url, modelJson(2), weights);
    expect(files(dir)).toEqual(['model.json', 'weights.bin']);

    for (const path of [url, `${url}/`, `${url}/model.json`, dir, `${dir}/`, join(dir, 'model.json')]) {
      const { json, dir: base } = await readModelJson(path);
      expect(base, path).toBe(dir);
      expect(await readWeightFiles(base, ['weights.bin'], 1000, json)).toEqual(weights);
    }
    const { json } = await readModelJson(dir);
    expect(await readWeightFiles(url, ['weights.bin'], 1000, json)).toEqual(weights);
  });

  it('reads a model.json of any name given by path, relative to its own directory', async () => {
    await writeModelFiles(root, modelJson(3), bytesOf(8, 3));
    renameSync(join(root, 'model.json'), join(root, 'other.JSON'));
    const { dir } = await readModelJson(join(root, 'other.JSON'));
    expect(dir).toBe(root);
  });

  it('uses a custom weights name and its own .prev sibling', async () => {
    await writeModelFiles(root, modelJson(1, 'w.data'), bytesOf(64, 1), 'w.data');
    await killedSave2(root, 'w.data');
    expect(files(root)).toEqual(['model.json', 'model.json.tmp', 'w.data.tmp', 'w.prev.data']);
    const { json } = await readModelJson(root);
    expect(await readWeightFiles(root, ['w.data'], 1000, json)).toEqual(bytesOf(64, 1));

    async function killedSave2(dir: string, name: string): Promise<void> {
      __testing.stepsHook = (step) => {
        if (step === 2) throw new Error('killed');
      };
      await expect(writeModelFiles(dir, modelJson(2, name), bytesOf(64, 2), name)).rejects.toThrow('killed');
    }
  });

  it('concatenates several weight files in manifest order (no CRC check without a recorded CRC)', async () => {
    mkdirSync(join(root, 'shards'));
    writeFileSync(join(root, 'a.bin'), bytesOf(5, 1));
    writeFileSync(join(root, 'shards', 'b.bin'), bytesOf(7, 2));
    const out = await readWeightFiles(root, ['shards/b.bin', 'a.bin', './a.bin'], 19, {});
    expect(out).toEqual(new Uint8Array([...bytesOf(7, 2), ...bytesOf(5, 1), ...bytesOf(5, 1)]));
  });

  it('parses "__proto__" keys as plain own properties (no prototype changes; the loader refuses them)', async () => {
    writeFileSync(join(root, 'model.json'), '{"a":{"__proto__":{"polluted":1},"b":2},"__proto__":{"x":1}}');
    const { json } = await readModelJson(root);
    expect(Object.getPrototypeOf((json as { a: object }).a)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.keys(json as object)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses a model.json nested 100,000 levels deep without overflowing the stack', async () => {
    writeFileSync(join(root, 'model.json'), `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const { json } = await readModelJson(root);
    expect(Object.keys(json as object)).toEqual(['a']);
  });

  it('says which runtime is needed when there is no file system', async () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    const message = 'sinew: a path needs a runtime with a file system (Node ≥ 20.16, Deno, Bun); in browsers and workers use toArtifacts()/fromArtifacts(), a URL, or a save/load handler';
    await expect(writeModelFiles(root, modelJson(1), new Uint8Array(4))).rejects.toThrow(message);
    await expect(readModelJson(root)).rejects.toThrow(message);
    await expect(readWeightFiles(root, ['weights.bin'], 10, {})).rejects.toThrow(message);
  });
});

describe('rejections', () => {
  const bad: [string, unknown, string][] = [
    ['absolute', '/etc/passwd', 'absolute'],
    ['parent', '../weights.bin', "'..'"],
    ['inner parent', 'a/../../b.bin', "'..'"],
    ['trailing parent', 'a/..', "'..'"],
    ['backslash', 'a\\b.bin', 'backslash'],
    ['backslash parent', '..\\b.bin', 'backslash'],
    ['empty', '', 'empty'],
    ['empty segment', 'a//b.bin', 'empty segments'],
    ['trailing slash', 'a/', 'empty segments'],
    ['NUL', 'a\0.bin', 'NUL'],
    ['file URL', 'file:///etc/passwd', 'URL'],
    ['http URL', 'http://example.com/w.bin', 'URL'],
    ['drive', 'C:/w.bin', 'drive'],
    ['not a string', 42, 'string'],
  ];
  for (const [what, path, reason] of bad) {
    it(`refuses a weights path: ${what}`, async () => {
      writeFileSync(join(root, 'ok.bin'), new Uint8Array(4));
      const attempt = readWeightFiles(root, ['ok.bin', path as string], 100, {});
      await expect(attempt).rejects.toThrow(`weightsManifest paths[1] `);
      await expect(attempt).rejects.toThrow(reason);
      await expect(attempt).rejects.toThrow(JSON.stringify(path));
    });
  }

  it('refuses more than 1000 paths, and accepts 1000', async () => {
    writeFileSync(join(root, 'x.bin'), new Uint8Array(1));
    await expect(readWeightFiles(root, Array(1001).fill('x.bin'), 1e6, {})).rejects.toThrow(
      'weightsManifest paths has 1001 entries; at most 1000',
    );
    expect((await readWeightFiles(root, Array(1000).fill('x.bin'), 1e6, {})).length).toBe(1000);
  });

  it('refuses weights over maxBytes before reading, naming both sizes', async () => {
    writeFileSync(join(root, 'a.bin'), new Uint8Array(60));
    writeFileSync(join(root, 'b.bin'), new Uint8Array(41));
    await expect(readWeightFiles(root, ['a.bin', 'b.bin'], 100, {})).rejects.toThrow(
      'the weight files total 101 bytes, more than the 100 bytes allowed (maxBytes)',
    );
    expect((await readWeightFiles(root, ['a.bin', 'b.bin'], 101, {})).length).toBe(101);
  });

  it('refuses a recorded weights length over maxBytes, and an oversized file when no length is recorded', async () => {
    await writeModelFiles(root, modelJson(1), new Uint8Array(50));
    const { json } = await readModelJson(root);
    await expect(readWeightFiles(root, ['weights.bin'], 49, json)).rejects.toThrow(
      'model.json records 50 bytes of weights, more than the 49 bytes allowed (maxBytes)',
    );
    const crcOnly = { userDefinedMetadata: { sinew: { weightsCrc32: crc32(new Uint8Array(50)) } } };
    await expect(readWeightFiles(root, ['weights.bin'], 49, crcOnly)).rejects.toThrow(
      `weights file ${join(root, 'weights.bin')} is 50 bytes, more than the 49 bytes allowed (maxBytes)`,
    );
  });

  it('names a missing weights file, with and without a recorded CRC', async () => {
    await expect(readWeightFiles(root, ['nope.bin'], 100, {})).rejects.toThrow(`weights file ${join(root, 'nope.bin')} not found`);
    const json = { userDefinedMetadata: { sinew: { weightsCrc32: 1, weightsBytes: 4 } } };
    await expect(readWeightFiles(root, ['nope.bin'], 100, json)).rejects.toThrow(`weights file ${join(root, 'nope.bin')} not found`);
  });

  it('refuses a malformed recorded CRC, naming the field', async () => {
    writeFileSync(join(root, 'weights.bin'), new Uint8Array(4));
    const json = { userDefinedMetadata: { sinew: { weightsCrc32: '0x1234' } } };
    await expect(readWeightFiles(root, ['weights.bin'], 100, json)).rejects.toThrow(
      'userDefinedMetadata.sinew.weightsCrc32 must be an unsigned 32-bit integer, got "0x1234"',
    );
  });

  it('names a missing model.json, a file given as directory, and a directory given as model.json', async () => {
    await expect(readModelJson(root)).rejects.toThrow(`no model file at ${join(root, 'model.json')}`);
    await expect(readModelJson(join(root, 'm.json'))).rejects.toThrow(`no model file at ${join(root, 'm.json')}`);
    writeFileSync(join(root, 'plain'), 'x');
    await expect(readModelJson(join(root, 'plain'))).rejects.toThrow('is a file; pass a directory or a path ending in .json');
    mkdirSync(join(root, 'd.json'));
    await expect(readModelJson(join(root, 'd.json'))).rejects.toThrow('d.json is a directory');
  });

  it('refuses a model.json over 64 MiB before reading it (a sparse file, so nothing is read)', async () => {
    const file = join(root, 'model.json');
    writeFileSync(file, '{}');
    truncateSync(file, 64 * MB + 1);
    await expect(readModelJson(root)).rejects.toThrow(`${file} is ${64 * MB + 1} bytes; model.json holds only JSON`);
    truncateSync(file, 2);
    expect((await readModelJson(root)).json).toEqual({});
  });

  it('names the file and the parser message for invalid JSON and invalid UTF-8', async () => {
    const file = join(root, 'model.json');
    writeFileSync(file, '{"format": "layers-model",');
    let parserMessage = '';
    try {
      JSON.parse('{"format": "layers-model",');
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    await expect(readModelJson(root)).rejects.toThrow(`${file} is not valid JSON: ${parserMessage}`);
    writeFileSync(file, new Uint8Array([0x7b, 0xff, 0x7d]));
    await expect(readModelJson(root)).rejects.toThrow(`${file} is not valid UTF-8`);
  });

  it('refuses to save a bad weights name, a manifest naming other files, or a non-object userDefinedMetadata', async () => {
    for (const name of ['', 'a/b.bin', 'a\\b', '..', 'model.json', 'w.tmp', 'C:x']) {
      await expect(writeModelFiles(root, modelJson(1, name), new Uint8Array(4), name), name).rejects.toThrow('weightsName must be a plain file name');
    }
    const twoFiles = { ...modelJson(1), weightsManifest: [{ paths: ['weights.bin', 'more.bin'], weights: [] }] };
    await expect(writeModelFiles(root, twoFiles, new Uint8Array(4))).rejects.toThrow(
      'modelJson.weightsManifest must name exactly one path, "weights.bin"; it names ["weights.bin","more.bin"]',
    );
    await expect(writeModelFiles(root, { ...modelJson(1), userDefinedMetadata: [1] }, new Uint8Array(4))).rejects.toThrow(
      'modelJson.userDefinedMetadata must be an object',
    );
    await expect(writeModelFiles(root, { ...modelJson(1), userDefinedMetadata: { sinew: 'x' } }, new Uint8Array(4))).rejects.toThrow(
      'modelJson.userDefinedMetadata.sinew must be an object',
    );
    expect(files(root)).toEqual([]); // refused before anything was written
  });

  it('refuses a weights file that matches neither model.json nor a .prev, giving both CRCs', async () => {
    await writeModelFiles(root, modelJson(1), bytesOf(100, 1));
    const foreign = bytesOf(100, 2);
    writeFileSync(join(root, 'weights.bin'), foreign);
    const recorded = crcBitwise(bytesOf(100, 1)).toString(16).padStart(8, '0');
    const found = crcBitwise(foreign).toString(16).padStart(8, '0');
    const attempt = load(root);
    await expect(attempt).rejects.toThrow('the weights file does not match model.json (a torn or foreign file)');
    await expect(attempt).rejects.toThrow(`model.json records CRC-32 0x${recorded} (100 bytes)`);
    await expect(attempt).rejects.toThrow(`${join(root, 'weights.bin')} has CRC-32 0x${found} (100 bytes)`);
    await expect(attempt).rejects.toThrow(`${join(root, 'weights.prev.bin')} is missing`);
    writeFileSync(join(root, 'weights.prev.bin'), bytesOf(99, 1)); // truncated .prev: wrong length
    await expect(load(root)).rejects.toThrow(`${join(root, 'weights.prev.bin')} has 99 bytes`);
  });
});

describe('crash safety', () => {
  const W1 = bytesOf(4096, 1);
  const W2 = bytesOf(4096, 2); // the same length: only the CRC tells them apart
  const W3 = bytesOf(5000, 3);

  it('a save killed after each step leaves exactly these files, loading the old checkpoint until the commit', async () => {
    const expected: Record<number, { files: string[]; gen: number }> = {
      0: { files: ['model.json', 'weights.bin'], gen: 1 },
      1: { files: ['model.json', 'model.json.tmp', 'weights.bin', 'weights.bin.tmp'], gen: 1 },
      2: { files: ['model.json', 'model.json.tmp', 'weights.bin.tmp', 'weights.prev.bin'], gen: 1 },
      3: { files: ['model.json', 'model.json.tmp', 'weights.bin', 'weights.prev.bin'], gen: 1 },
      4: { files: ['model.json', 'weights.bin', 'weights.prev.bin'], gen: 2 },
    };
    for (let step = 0; step <= 4; step++) {
      const dir = join(root, `kill${step}`);
      await writeModelFiles(dir, modelJson(1), W1);
      await killedSave(dir, 2, W2, step);
      expect(files(dir), `after step ${step}`).toEqual(expected[step]!.files);
      const loaded = await load(dir);
      expect(loaded.gen, `after step ${step}`).toBe(expected[step]!.gen);
      expect(loaded.weights).toEqual(expected[step]!.gen === 1 ? W1 : W2);
    }
  });

  it('loads the right checkpoint from states built by hand', async () => {
    // Checkpoints 1 and 2 written elsewhere, then their files combined as each kill point leaves them.
    const one = join(root, 'one');
    const two = join(root, 'two');
    await writeModelFiles(one, modelJson(1), W1);
    await writeModelFiles(two, modelJson(2), W2);
    const states: [string, [from: string, name: string, as: string][], number][] = [
      ['old json + tmp leftovers', [[one, 'model.json', 'model.json'], [one, 'weights.bin', 'weights.bin'], [two, 'model.json', 'model.json.tmp'], [two, 'weights.bin', 'weights.bin.tmp']], 1],
      ['old json + no weights + .prev', [[one, 'model.json', 'model.json'], [one, 'weights.bin', 'weights.prev.bin']], 1],
      ['old json + new weights + .prev', [[one, 'model.json', 'model.json'], [two, 'weights.bin', 'weights.bin'], [one, 'weights.bin', 'weights.prev.bin']], 1],
      ['new json + new weights + stale .prev', [[two, 'model.json', 'model.json'], [two, 'weights.bin', 'weights.bin'], [one, 'weights.bin', 'weights.prev.bin']], 2],
      ['new json + no weights + .prev', [[two, 'model.json', 'model.json'], [two, 'weights.bin', 'weights.prev.bin']], 2],
      ['old weights without .prev, new .prev', [[two, 'model.json', 'model.json'], [one, 'weights.bin', 'weights.bin'], [two, 'weights.bin', 'weights.prev.bin']], 2],
    ];
    for (const [what, copies, gen] of states) {
      const dir = join(root, what.replace(/\W+/g, '_'));
      mkdirSync(dir);
      for (const [from, name, as] of copies) copyFileSync(join(from, name), join(dir, as));
      const loaded = await load(dir);
      expect(loaded.gen, what).toBe(gen);
      expect(loaded.weights, what).toEqual(gen === 1 ? W1 : W2);
    }
  });

  it('a save over a killed save keeps a loadable directory at every step, and cleans up when it completes', async () => {
    // For each kill point of the first save (1 → 2), run a second save (→ 3) killed at each step,
    // then a complete one (→ 4). Before the second save commits, the first save's outcome must load.
    for (let first = 0; first <= 4; first++) {
      for (let second = 0; second <= 4; second++) {
        const dir = join(root, `k${first}-${second}`);
        await writeModelFiles(dir, modelJson(1), W1);
        await killedSave(dir, 2, W2, first);
        const committed = first === 4 ? 2 : 1;
        await killedSave(dir, 3, W3, second);
        const loaded = await load(dir);
        const gen = second === 4 ? 3 : committed;
        expect(loaded.gen, `first killed after ${first}, second after ${second}`).toBe(gen);
        expect(loaded.weights).toEqual([W1, W2, W3][gen - 1]);
        await writeModelFiles(dir, modelJson(4), W1);
        expect(files(dir)).toEqual(['model.json', 'weights.bin']);
        expect(await load(dir)).toEqual({ gen: 4, weights: W1 });
      }
    }
  });

  it('many saves killed at random steps: the directory always loads the last committed checkpoint', async () => {
    const dir = join(root, 'random');
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const weightsOf = (gen: number) => bytesOf(next() < 0.5 ? 4096 : 2048 + gen, gen); // same and different lengths
    const saved = new Map<number, Uint8Array>();
    let committed = 0;
    for (let gen = 1; gen <= 60; gen++) {
      const weights = weightsOf(gen);
      saved.set(gen, weights);
      const killAfter = Math.floor(next() * 6); // 5 = not killed
      if (killAfter === 5) {
        await writeModelFiles(dir, modelJson(gen), weights);
      } else {
        await killedSave(dir, gen, weights, killAfter);
      }
      if (killAfter >= 4) committed = gen;
      if (committed === 0) {
        await expect(readModelJson(dir)).rejects.toThrow('no model file'); // nothing committed yet
        continue;
      }
      const loaded = await load(dir);
      expect(loaded.gen, `save ${gen} killed after ${killAfter}`).toBe(committed);
      expect(loaded.weights).toEqual(saved.get(committed));
    }
  });

  it('protects a model.json without a CRC (written by TF.js) during the save that replaces it', async () => {
    const tfjsJson = { format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', weightsManifest: [{ paths: ['weights.bin'], weights: [] }], userDefinedMetadata: { gen: 1 } };
    for (let step = 0; step <= 4; step++) {
      const dir = join(root, `tfjs${step}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(tfjsJson, null, 2));
      writeFileSync(join(dir, 'weights.bin'), W1);
      await killedSave(dir, 2, W2, step);
      const loaded = await load(dir);
      expect(loaded.gen, `killed after ${step}`).toBe(step === 4 ? 2 : 1);
      expect(loaded.weights).toEqual(step === 4 ? W2 : W1);
      if (step < 4) {
        // The old checkpoint, same content, plus the CRC of its weights.
        const { json } = await readModelJson(dir);
        expect(json).toEqual({ ...tfjsJson, userDefinedMetadata: { gen: 1, sinew: { weightsCrc32: crc32(W1), weightsBytes: 4096 } } });
      }
    }
  });

  it('leaves unrelated files and a foreign model.json naming other files alone', async () => {
    writeFileSync(join(root, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }));
    writeFileSync(join(root, 'group1-shard1of1.bin'), W1);
    writeFileSync(join(root, 'weights.bin'), W3); // an orphan nobody names
    await killedSave(root, 2, W2, 3);
    expect((await readModelJson(root)).json).toEqual({ weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] });
    expect(await readWeightFiles(root, ['group1-shard1of1.bin'], 1e6, {})).toEqual(W1);
    expect(existsSync(join(root, 'weights.prev.bin'))).toBe(false);
    await writeModelFiles(root, modelJson(2), W2);
    expect(files(root)).toEqual(['group1-shard1of1.bin', 'model.json', 'weights.bin']);
    expect(await load(root)).toEqual({ gen: 2, weights: W2 });
  });
});
