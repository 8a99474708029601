// Loading over HTTP(S) with fetch, in any runtime that has it (browsers, workers, Node, Deno, Bun):
// model.json from the URL given, then the weight files its manifest names, resolved next to it.
// The manifest is untrusted: a path is fetched only when it is relative and the URL it resolves to
// is on model.json's origin, under model.json's directory (checked after the URL parser has decoded
// '%2e%2e' and dropped tabs and newlines, which a check of the text alone would miss); and bodies
// are read chunk by chunk, the read cancelled as soon as a size limit is passed.

import { relativePathProblem } from './file_paths.js';
import { Untrusted } from './untrusted.js';
import { concatBytes } from './weights.js';
import { SinewError } from '../errors.js';

const MAX_JSON_BYTES = 64 * 1024 * 1024;
const EXPECTED_PATH = 'a relative path beside model.json (no scheme, no leading /, no ..)';

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function get(url: URL, what: string, init: RequestInit | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new SinewError(`loadModel: could not fetch ${what} ${url.href}: ${(cause as Error).message}`, { cause });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new SinewError(`loadModel: fetching ${what} ${url.href} failed: HTTP ${response.status} ${response.statusText}`.trim());
  }
  return response;
}

/** Reads a body, refusing more than `max` bytes: by Content-Length before reading, and while reading
 *  (a chunked body declares no length, and a compressed one declares the compressed length). */
async function boundedBytes(response: Response, max: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new SinewError(`loadModel: ${what} is ${declared} bytes, more than the ${max} allowed`);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined); // closes the connection: the rest is never downloaded
      throw new SinewError(`loadModel: ${what} is more than the ${max} bytes allowed (stopped reading after ${total} bytes)`);
    }
    parts.push(value);
  }
  return concatBytes(parts);
}

/** model.json (parsed, still untrusted) from a URL. */
export async function fetchModelJson(href: string, init?: RequestInit): Promise<{ json: unknown; url: URL }> {
  const url = new URL(href);
  const bytes = await boundedBytes(await get(url, 'model.json', init), MAX_JSON_BYTES, `model.json at ${url.href}`);
  try {
    return { json: JSON.parse(new TextDecoder().decode(bytes)), url };
  } catch (cause) {
    throw new SinewError(`loadModel: model.json at ${url.href} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Why a manifest path, fine as a file path, could still leave model.json's directory as a URL. */
function urlPathProblem(path: string): string | undefined {
  // The URL parser drops tabs and newlines ('.\t.' becomes '..') and trims control characters and spaces.
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'a control character';
  for (const segment of path.split(/[/?#]/)) {
    // '%2e%2e' is '..' to the URL parser; '%2f' and '%5c' are separators to many servers.
    if (/%2e/i.test(segment) && /^(\.|%2e)+$/i.test(segment)) return 'an encoded dot segment';
    if (/%2f|%5c/i.test(segment)) return 'an encoded separator';
  }
  return undefined;
}

/** The URL of a manifest path, or a failure naming the field; see the file header. */
function weightsUrl(field: Untrusted, base: URL): URL {
  const p = field.string(1024);
  if (relativePathProblem(p)) field.fail(EXPECTED_PATH);
  const problem = urlPathProblem(p);
  if (problem) field.fail(EXPECTED_PATH, `${JSON.stringify(p)}, which holds ${problem}`);
  const url = new URL(p, base);
  const dir = new URL('.', base);
  if (url.origin !== base.origin || !url.pathname.startsWith(dir.pathname)) {
    field.fail(EXPECTED_PATH, `${JSON.stringify(p)}, which resolves to ${url.href}, outside ${dir.href}`);
  }
  return url;
}

/** The weight files, in manifest order, concatenated; paths must stay beside model.json. */
export async function fetchWeights(base: URL, paths: readonly string[], maxBytes: number, init?: RequestInit): Promise<Uint8Array> {
  const urls = paths.map((p, i) => weightsUrl(new Untrusted(p, `weightsManifest paths[${i}]`, 'loadModel'), base)); // all checked before any fetch
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const url of urls) {
    const part = await boundedBytes(await get(url, 'weights', init), maxBytes - total, `weights file ${url.href}`);
    total += part.length;
    parts.push(part);
  }
  return concatBytes(parts);
}
