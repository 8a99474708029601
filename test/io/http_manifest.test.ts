// src/io/http.ts against a hostile model.json or server: manifest paths that pass a check of their
// text but resolve elsewhere once the URL parser has decoded '%2e%2e' and dropped tabs and newlines
// (the server must never see the request, nor the caller's Authorization header), and bodies without
// a Content-Length that are bigger than the limit (the read must stop at the limit, not after).

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModelJson, fetchWeights } from '../../src/io/http.js';

const MiB = 1024 * 1024;
let server: Server;
let base = '';
const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
/** Bytes the server wrote per streamed path, until the client went away or the stream ended. */
const sent = new Map<string, number>();

/** Writes `total` bytes of `fill` in 1 MiB chunks, chunked (no Content-Length), honouring back-pressure. */
function stream(res: import('node:http').ServerResponse, path: string, total: number, fill: number): void {
  res.setHeader('content-type', 'application/octet-stream');
  const chunk = Buffer.alloc(MiB, fill);
  let written = 0;
  sent.set(path, 0);
  const pump = () => {
    while (written < total && !res.destroyed) {
      written += chunk.length;
      sent.set(path, written);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, headers: req.headers });
    if (path === '/big/model.json') return stream(res, path, 400 * MiB, 0x20); // 400 MB of spaces
    if (path === '/bigw/w.bin') return stream(res, path, 64 * MiB, 0);
    if (path === '/ok/w.bin') return void res.end(Buffer.alloc(16, 1));
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('manifest paths are checked as the URL they resolve to', () => {
  it.each([
    ['%2e%2e/u2/weights.bin', 'an encoded dot segment'],
    ['%2E%2e/%2e%2E/admin/secret.bin', 'an encoded dot segment'],
    ['.\n./u2/weights.bin', 'a control character'],
    ['.\t./.\t./.\t./admin/secret.bin', 'a control character'],
    ['ok/..%2fadmin/secret.bin', 'an encoded separator'],
    ['w.bin\r', 'a control character'],
  ])('refuses %j (%s) before fetching anything, so no request carries the Authorization header', async (path, why) => {
    const before = requests.length;
    const attempt = fetchWeights(new URL(`${base}/a/b/c/model.json`), ['w.bin', path], 1e6, { headers: { Authorization: 'Bearer secret-token' } });
    await expect(attempt).rejects.toThrow(`loadModel: expected \`weightsManifest paths[1]\` to be a relative path beside model.json (no scheme, no leading /, no ..), received ${JSON.stringify(path)}, which holds ${why}`);
    expect(requests.slice(before)).toEqual([]); // not even the good first path: all are checked first
  });

  it('still fetches plain relative paths, with the caller\'s headers, under model.json\'s directory', async () => {
    const before = requests.length;
    const bytes = await fetchWeights(new URL(`${base}/ok/model.json`), ['w.bin', './w.bin'], 100, { headers: { Authorization: 'Bearer t' } });
    expect(bytes).toEqual(new Uint8Array(32).fill(1));
    expect(requests.slice(before).map((r) => [r.path, r.headers.authorization])).toEqual([['/ok/w.bin', 'Bearer t'], ['/ok/w.bin', 'Bearer t']]);
  });
});

describe('size limits are enforced while the body streams', () => {
  it('a chunked 400 MB model.json without Content-Length is refused once past 64 MiB, and the download stops', async () => {
    const attempt = fetchModelJson(`${base}/big/model.json`);
    await expect(attempt).rejects.toThrow(`loadModel: model.json at ${base}/big/model.json is more than the ${64 * MiB} bytes allowed (stopped reading after `);
    await new Promise((r) => setTimeout(r, 200)); // the server notices the closed connection
    expect(sent.get('/big/model.json')!, 'bytes the server got to send').toBeLessThan(100 * MiB);
  }, 30_000);

  it('a chunked weights file over what is left of maxBytes is refused as it streams', async () => {
    const attempt = fetchWeights(new URL(`${base}/bigw/model.json`), ['w.bin'], 2 * MiB);
    await expect(attempt).rejects.toThrow(`loadModel: weights file ${base}/bigw/w.bin is more than the ${2 * MiB} bytes allowed (stopped reading after `);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent.get('/bigw/w.bin')!).toBeLessThan(40 * MiB);
  }, 30_000);
});
