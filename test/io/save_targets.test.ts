// What a string given to model.save / loadModel means: 'file://' + a relative path is that path in the
// working directory (TF.js's own documented Node form 'file://./models/m', and 'file://models/m'),
// never the file-system root; a scheme save or loadModel does not support is an Error naming it and
// the supported ones, in every runtime, never a folder called 'https:' or 'localstorage:';
// 'downloads://name' in a page saves two browser downloads as TF.js does, and is refused elsewhere.
// Also concurrent saves to one directory, through model.save.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dense, loadModel, Sequential } from '../../src/index.js';
import { initWasm, randomRows } from '../helpers/models.js';

beforeAll(initWasm);

let root: string;
const cwd = process.cwd();
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sinew-targets-'));
  process.chdir(root);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function model(seed: number): Sequential {
  return new Sequential({ seed, layers: [new Dense(4, { inputDim: 3, activation: 'tanh' }), new Dense(2, { activation: 'softmax' })] });
}
const X = randomRows(5, 3, 9);

describe("'file://' paths", () => {
  it("'file://./models/m' and 'file://models/m' save into the working directory and load back, as in TF.js", async () => {
    // A unique top-level name: if it went to the root, the test removes it again.
    const name = `sinew-file-url-${process.pid}-${Date.now()}`;
    try {
      const a = model(1);
      await a.save(`file://./${name}/m`);
      expect(readdirSync(join(root, name, 'm')).sort()).toEqual(['model.json', 'weights.bin']);
      const b = model(2);
      await b.save(`file://${name}/n`);
      expect(readdirSync(join(root, name, 'n')).sort()).toEqual(['model.json', 'weights.bin']);
      expect(existsSync(`/${name}`), 'nothing at the file-system root').toBe(false);
      expect((await loadModel(`file://./${name}/m`)).predict(X).data).toEqual(a.predict(X).data);
      expect((await loadModel(`file://${name}/n/model.json`)).predict(X).data).toEqual(b.predict(X).data);
      expect((await loadModel(`file://${join(root, name, 'm')}`)).predict(X).data).toEqual(a.predict(X).data); // file:///abs still absolute
    } finally {
      rmSync(`/${name}`, { recursive: true, force: true });
    }
  });
});

describe('unknown and unsupported schemes', () => {
  it.each([
    ['https://example.com/upload', 'https', "sinew does not upload by itself; pass a function (artifacts) => … or a handler with save(artifacts), such as TF.js's tf.io.http(url)"],
    ['http://example.com/upload', 'http', "sinew does not upload by itself; pass a function (artifacts) => … or a handler with save(artifacts), such as TF.js's tf.io.http(url)"],
    ['localstorage://x', 'localstorage', "TF.js's 'localstorage://' is not supported; use 'indexeddb://name'"],
    ['s3://bucket/m', 's3', "the scheme 's3://' is not one save knows"],
  ])('save(%j) is refused naming %s and the supported schemes, and creates no folder', async (target, _scheme, why) => {
    await expect(model(1).save(target)).rejects.toThrow(
      `save: expected \`target\` to be a directory path or a URL starting file://, indexeddb:// or downloads://, received '${target}' (${why})`,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it("loadModel('localstorage://x') is refused even when a folder 'localstorage:/x' holds a model", async () => {
    mkdirSync(join(root, 'localstorage:'));
    await model(1).save(join(root, 'localstorage:', 'x'));
    await expect(loadModel('localstorage://x')).rejects.toThrow(
      "loadModel: expected `source` to be a directory or model.json path, or a URL starting file://, http://, https:// or indexeddb://, received 'localstorage://x' (TF.js's 'localstorage://' is not supported; use 'indexeddb://name')",
    );
    await expect(loadModel('downloads://x')).rejects.toThrow("received 'downloads://x' ('downloads://' only saves");
    await expect(loadModel('ftp://host/m/model.json')).rejects.toThrow("received 'ftp://host/m/model.json' (the scheme 'ftp://' is not one loadModel knows)");
  });

  it('is refused the same way in a page (no file system), rather than as a path needing one', async () => {
    const g = globalThis as { process: { getBuiltinModule?: unknown } };
    const getBuiltinModule = g.process.getBuiltinModule;
    g.process.getBuiltinModule = undefined;
    try {
      await expect(model(1).save('https://example.com/upload')).rejects.toThrow("save: expected `target` to be a directory path or a URL starting file://, indexeddb:// or downloads://, received 'https://example.com/upload'");
      await expect(loadModel('localstorage://x')).rejects.toThrow("loadModel: expected `source` to be a directory or model.json path, or a URL starting");
      await expect(loadModel('file://./m')).rejects.toThrow("loadModel: 'file://' needs a runtime with a file system");
    } finally {
      g.process.getBuiltinModule = getBuiltinModule;
    }
  });

  it('a Windows drive is a path, not a scheme', async () => {
    // 'C://x' on POSIX is a relative folder 'C:' — what matters is that it is not refused as a scheme.
    await model(1).save('C://x');
    expect(readdirSync(join(root, 'C:', 'x')).sort()).toEqual(['model.json', 'weights.bin']);
  });
});

describe("'downloads://'", () => {
  it('outside a page is refused with what to use instead, and writes nothing', async () => {
    await expect(model(1).save('downloads://m')).rejects.toThrow(
      "save: 'downloads://' saves as browser downloads and needs a page (a window with a document); here use a directory path, 'indexeddb://name', toArtifacts() or a save handler",
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it('in a page downloads <name>.json and <name>.weights.bin, which load back as a model', async () => {
    const clicked: { download: string; href: string }[] = [];
    const blobs = new Map<string, Blob>();
    let n = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const href = `blob:test/${n++}`;
      blobs.set(href, blob as Blob);
      return href;
    });
    const g = globalThis as { document?: unknown };
    g.document = {
      createElement: (tag: string) => {
        expect(tag).toBe('a');
        const anchor = { download: '', href: '', click: () => clicked.push({ download: anchor.download, href: anchor.href }) };
        return anchor;
      },
    };
    const m = model(3);
    try {
      await m.save('downloads://my-model');
    } finally {
      delete g.document;
    }
    expect(clicked.map((c) => c.download)).toEqual(['my-model.json', 'my-model.weights.bin']);
    const json = JSON.parse(await blobs.get(clicked[0]!.href)!.text());
    expect(json.weightsManifest[0].paths).toEqual(['./my-model.weights.bin']);
    const weights = new Uint8Array(await blobs.get(clicked[1]!.href)!.arrayBuffer());
    expect(weights).toEqual(new Uint8Array(m.toArtifacts().weightData as ArrayBuffer));
    // As a user would after downloading both: put them side by side and load.
    writeFileSync(join(root, 'my-model.json'), JSON.stringify(json));
    writeFileSync(join(root, 'my-model.weights.bin'), weights);
    expect((await loadModel(join(root, 'my-model.json'))).predict(X).data).toEqual(m.predict(X).data);
  });
});

describe('concurrent model.save into one directory', () => {
  it('after a good save, Promise.all of two saves in 20 directories: both resolve, every directory loads one of them', async () => {
    const [a, b, c] = [model(1), model(2), model(3)];
    const want = new Map([[JSON.stringify(b.predict(X).data), 'b'], [JSON.stringify(c.predict(X).data), 'c']]);
    for (let i = 0; i < 20; i++) {
      const dir = join(root, `m${i}`);
      await a.save(dir);
      await Promise.all([b.save(dir), c.save(dir)]);
      const loaded = await loadModel(dir);
      expect(want.get(JSON.stringify(loaded.predict(X).data)), `directory ${i}`).toBeDefined();
      expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
      loaded.dispose();
    }
  });
});
