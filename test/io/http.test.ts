// Loading from an http(s) URL with fetch (what a page or a worker does): model.json, then the weight
// files beside it; a manifest may not send the loader anywhere else.

import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, loadModel, Sequential } from '../../src/index.js';
import { initWasm, randomRows } from '../helpers/models.js';

const dir = mkdtempSync(join(tmpdir(), 'sinew-http-'));
let server: Server;
let base = '';
const requests: string[] = [];

beforeAll(async () => {
  await initWasm();
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    try {
      res.end(readFileSync(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))));
    } catch {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadModel over HTTP', () => {
  it('fetches model.json and its weights and predicts exactly as the saved model', async () => {
    const model = new Sequential({ seed: 2, layers: [new Dense(5, { inputDim: 3, activation: 'tanh' }), new Dense(2, { activation: 'softmax' })] });
    await model.save(join(dir, 'm'));
    const loaded = await loadModel(`${base}/m/model.json`);
    const x = randomRows(4, 3, 1);
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
    expect(requests.slice(-2)).toEqual(['/m/model.json', '/m/weights.bin']);
  });

  it('names the URL when the server answers 404', async () => {
    await expect(loadModel(`${base}/missing/model.json`)).rejects.toThrow(`loadModel: fetching model.json ${base}/missing/model.json failed: HTTP 404`);
  });

  it.each([
    ['../m/weights.bin', 'a parent directory'],
    ['http://elsewhere.example/w.bin', 'another origin'],
    ['/m/weights.bin', 'an absolute path'],
  ])('refuses a manifest path to %s (%s) before fetching it', async (path) => {
    const json = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = [path];
    writeFileSync(join(dir, 'evil.json'), JSON.stringify(json));
    const before = requests.length;
    await expect(loadModel(`${base}/evil.json`)).rejects.toThrow(`loadModel: expected \`weightsManifest paths[0]\` to be a relative path beside model.json (no scheme, no leading /, no ..), received '${path}'`);
    expect(requests.length).toBe(before + 1); // only model.json was fetched
  });

  it.each([
    ['%2e%2e/u2/weights.bin', 'an encoded dot segment', '/u1/v/evil.json'], // decoded: /u1/u2/weights.bin
    ['.\n./u2/weights.bin', 'a control character', '/u1/v/evil.json'], // newline dropped: /u1/u2/weights.bin
    ['.\t./.\t./.\t./admin/secret.bin', 'a control character', '/u1/v/w/evil.json'], // tabs dropped: /admin/secret.bin
  ])('refuses %j, which the URL parser would turn into a parent directory (%s), before fetching it', async (path, why, where) => {
    // Files where the decoded paths lead, so that a loader that fetched them would get an answer.
    mkdirSync(join(dir, 'admin'), { recursive: true });
    mkdirSync(join(dir, 'u1', 'u2'), { recursive: true });
    mkdirSync(join(dir, 'u1', 'v', 'w'), { recursive: true });
    writeFileSync(join(dir, 'admin', 'secret.bin'), 'secret');
    writeFileSync(join(dir, 'u1', 'u2', 'weights.bin'), readFileSync(join(dir, 'm', 'weights.bin')));
    const json = JSON.parse(readFileSync(join(dir, 'm', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = [path];
    writeFileSync(join(dir, where), JSON.stringify(json));
    const before = requests.length;
    await expect(loadModel(`${base}${where}`, { requestInit: { headers: { Authorization: 'Bearer secret-token' } } })).rejects.toThrow(
      `loadModel: expected \`weightsManifest paths[0]\` to be a relative path beside model.json (no scheme, no leading /, no ..), received ${JSON.stringify(path)}, which holds ${why}`,
    );
    expect(requests.slice(before)).toEqual([where]); // only model.json was fetched
  });
});

describe('loadModel in a page (no file system)', () => {
  it('takes a path as a URL relative to the page, as TF.js does', async () => {
    const model = new Sequential({ seed: 4, layers: [new Dense(3, { inputDim: 2, activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })] });
    await model.save(join(dir, 'page', 'm2'));
    const g = globalThis as { location?: { href: string }; process: { getBuiltinModule?: unknown } };
    const getBuiltinModule = g.process.getBuiltinModule;
    g.location = { href: `${base}/page/index.html` };
    g.process.getBuiltinModule = undefined; // as in a browser: only fetch
    try {
      const loaded = await loadModel('m2/model.json');
      expect(requests.slice(-2)).toEqual(['/page/m2/model.json', '/page/m2/weights.bin']);
      expect(loaded.predict([[0.5, -1]]).data).toEqual(model.predict([[0.5, -1]]).data);
    } finally {
      g.process.getBuiltinModule = getBuiltinModule;
      delete g.location;
    }
  });
});

describe('indexeddb:// outside a browser', () => {
  it('says what it needs', async () => {
    const model = new Sequential({ layers: [new Dense(1, { inputDim: 1 })] });
    await expect(model.save('indexeddb://m')).rejects.toThrow("save: 'indexeddb://' needs IndexedDB (browsers and their workers); here use a directory path, toArtifacts() or a save handler");
    await expect(loadModel('indexeddb://m')).rejects.toThrow("loadModel: 'indexeddb://' needs IndexedDB");
  });
});
