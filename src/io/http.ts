// Loading over HTTP(S) with fetch, in any runtime that has it (browsers, workers, Node, Deno, Bun):
// model.json from the URL given, then the weight files its manifest names, resolved next to it.
// The manifest is untrusted: only relative paths on the same origin are fetched, and sizes are
// bounded before bodies are read.

import { relativePathProblem } from './file_paths.js';
import { Untrusted } from './untrusted.js';
import { concatBytes } from './weights.js';

const MAX_JSON_BYTES = 64 * 1024 * 1024;

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function get(url: URL, what: string, init: RequestInit | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new Error(`loadModel: could not fetch ${what} ${url.href}: ${(cause as Error).message}`, { cause });
  }
  if (!response.ok) throw new Error(`loadModel: fetching ${what} ${url.href} failed: HTTP ${response.status} ${response.statusText}`.trim());
  return response;
}

/** Reads a body, refusing (before and while reading) more than `max` bytes. */
async function boundedBytes(response: Response, max: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) throw new Error(`loadModel: ${what} is ${declared} bytes, more than the ${max} allowed`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > max) throw new Error(`loadModel: ${what} is ${bytes.length} bytes, more than the ${max} allowed`);
  return bytes;
}

/** model.json (parsed, still untrusted) from a URL. */
export async function fetchModelJson(href: string, init?: RequestInit): Promise<{ json: unknown; url: URL }> {
  const url = new URL(href);
  const bytes = await boundedBytes(await get(url, 'model.json', init), MAX_JSON_BYTES, `model.json at ${url.href}`);
  try {
    return { json: JSON.parse(new TextDecoder().decode(bytes)), url };
  } catch (cause) {
    throw new Error(`loadModel: model.json at ${url.href} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** The weight files, in manifest order, concatenated; paths must stay beside model.json. */
export async function fetchWeights(base: URL, paths: readonly string[], maxBytes: number, init?: RequestInit): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < paths.length; i++) {
    const field = new Untrusted(paths[i], `weightsManifest paths[${i}]`, 'loadModel');
    const p = field.string(1024);
    if (relativePathProblem(p)) field.fail('a relative path beside model.json (no scheme, no leading /, no ..)');
    const url = new URL(p, base);
    const part = await boundedBytes(await get(url, 'weights', init), maxBytes - total, `weights file ${url.href}`);
    total += part.length;
    parts.push(part);
  }
  return concatBytes(parts);
}
