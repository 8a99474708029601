// Loading a TF.js layers-model directory (model.json + weight files) from a file system, and the
// entry points of the file layer. Format and validation of the JSON are not here (see the other
// src/io files): the file layer moves bytes and keeps the directory loadable. Its parts:
//   atomic_save.ts    writeModelFiles: the crash-safe two-file write (protocol in its header)
//   dir_lock.ts       one save at a time per directory, across processes
//   regular_files.ts  reads only regular files, weights only inside the directory once links resolve
//   weights_record.ts the CRC-32 and length model.json records of its weights (crc32.ts)
//   file_paths.ts     paths and file:// URLs; the check that manifest paths stay inside
//   fs_runtime.ts     reaching fs/promises without a node: import; error reasons; the test seam
// The loader takes the weights file if it matches the CRC model.json records, else its `.prev`
// sibling (left by a save killed midway) if that does, else fails.

import { crc32 } from './crc32.js';
import { checkRelativePath, dirname, join, prevName, toPath, trimSeparators } from './file_paths.js';
import { errorCode, fileSystem, message, quoted, reasonOf, type FsPromises } from './fs_runtime.js';
import { locateInside, openRegular, readBounded, readExactly, type InsideFile } from './regular_files.js';
import { hex, MAX_MODEL_JSON_BYTES, MODEL_JSON, recordedCheck } from './weights_record.js';
import { SinewError } from '../errors.js';

export { writeModelFiles } from './atomic_save.js';
export { __testing, hasFileSystem } from './fs_runtime.js';

const MAX_WEIGHT_PATHS = 1000;

// Errors of the file layer speak as 'sinew'; the entry point (loadModel, save) names itself through
// ownedBy (src/errors.ts), which sets the SinewError's owner.

/** A read failure that is not one of ours: 'sinew: cannot read '<path>': <reason>'. */
function readError(path: string, cause: unknown): unknown {
  if (cause instanceof SinewError && cause.owner === 'sinew') return cause;
  return new SinewError(`sinew: cannot read ${quoted(path)}: ${reasonOf(cause)}`, { cause });
}

/**
 * Reads `<path>/model.json` (or `path` itself if it ends in .json; `path` may be a file:// URL):
 * the parsed JSON (untrusted: only parsed; JSON.parse makes a "__proto__" key a plain own property,
 * which the loader's checks refuse), its text, and its directory. The caller's path may be or pass
 * through links; what it names must be a regular file (a FIFO would block the read forever).
 */
export async function readModelJson(path: string): Promise<{ json: unknown; dir: string; text: string }> {
  const fs = fileSystem();
  const given = toPath(path, 'the model path');
  const isFilePath = /\.json$/i.test(given);
  const file = isFilePath ? given : join(given, MODEL_JSON);
  const dir = isFilePath ? dirname(given) : trimSeparators(given);
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(fs, file, MAX_MODEL_JSON_BYTES, (size) =>
      `sinew: ${file} is ${size} bytes; model.json holds only JSON (topology and manifest) and is refused above ${MAX_MODEL_JSON_BYTES} bytes`,
    false);
  } catch (cause) {
    const code = errorCode(cause);
    if (code === 'ENOENT') throw new SinewError(`sinew: no model file at ${file}`, { cause });
    if (code === 'ENOTDIR') throw new SinewError(`sinew: no model file at ${file} (${given} is a file; pass a directory or a path ending in .json)`, { cause });
    if (cause instanceof SinewError && cause.message === `sinew: ${file} is a directory`) throw new SinewError(`sinew: ${file} is a directory, not a model.json file`, { cause });
    if (cause instanceof SinewError && cause.message.startsWith(`sinew: ${file} is not a regular file`)) throw new SinewError(`${cause.message}, so not a model.json`, { cause });
    throw readError(file, cause);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SinewError(`sinew: ${file} is not valid UTF-8 text, so not a model.json`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text); // no reviver: a reviver recurses, and deeply nested files would overflow the stack
  } catch (cause) {
    throw new SinewError(`sinew: ${file} is not valid JSON: ${message(cause)}`, { cause });
  }
  return { json, dir, text };
}

/** The model directory resolved through links: weight files must resolve inside it. */
async function resolvedDir(fs: FsPromises, base: string): Promise<string> {
  try {
    return await fs.realpath(base);
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT' || errorCode(cause) === 'ENOTDIR') throw new SinewError(`sinew: the model directory ${base} does not exist`, { cause });
    throw readError(base, cause);
  }
}

/** Reads and concatenates the weight files a manifest names, in order, from `dir` (a path or file:// URL).
 *  `json` is the parsed model.json: when it records a CRC and names one file, that file is verified
 *  and, if it is missing or torn, its `.prev` sibling (left by an interrupted save) is used if it matches.
 *  Every file must be a regular file inside `dir` once links are resolved. */
export async function readWeightFiles(dir: string, paths: readonly string[], maxBytes: number, json: unknown): Promise<Uint8Array> {
  const fs = fileSystem();
  const base = toPath(dir, 'the model directory');
  if (!Array.isArray(paths)) throw new SinewError(`sinew: weightsManifest paths must be an array, got ${typeof paths}`);
  if (paths.length > MAX_WEIGHT_PATHS) {
    throw new SinewError(`sinew: weightsManifest paths has ${paths.length} entries; at most ${MAX_WEIGHT_PATHS} weight files are accepted`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) throw new SinewError(`sinew: maxBytes must be a non-negative number, got ${maxBytes}`);
  const relative = paths.map((p, i) => checkRelativePath(p, i));
  const check = recordedCheck(json);
  const real = await resolvedDir(fs, base);
  if (check && relative.length === 1) return readCheckedWeights(fs, base, real, relative[0]!, maxBytes, check);

  const files: (InsideFile & { kind: 'file' })[] = [];
  for (const p of relative) {
    const found = await locateInside(fs, base, real, p).catch((cause) => Promise.reject(readError(join(base, p), cause)));
    if (found.kind === 'missing') throw new SinewError(`sinew: weights file ${found.path} not found (named in model.json's weightsManifest)`);
    if (found.kind === 'refused') throw new SinewError(`sinew: weights file ${found.path} is refused: it is ${found.why}`);
    files.push(found);
  }
  const total = files.reduce((a, f) => a + f.size, 0);
  if (total > maxBytes) {
    throw new SinewError(`sinew: the weight files total ${total} bytes, more than the ${maxBytes} bytes allowed (maxBytes)`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const f of files) {
    const fh = await openRegular(fs, f.real, true).catch((cause) => Promise.reject(readError(f.path, cause)));
    try {
      // Read exactly the size found: a file that grew since cannot push us past maxBytes.
      await readExactly(fh, out, offset, f.size, f.path);
    } finally {
      await fh.close();
    }
    offset += f.size;
  }
  return out;
}

/** The single weights file a CRC-carrying model.json names, or its .prev sibling; see the file header. */
async function readCheckedWeights(
  fs: FsPromises,
  base: string,
  real: string,
  relative: string,
  maxBytes: number,
  check: { crc: number; bytes: number | undefined },
): Promise<Uint8Array> {
  if (check.bytes !== undefined && check.bytes > maxBytes) {
    throw new SinewError(`sinew: model.json records ${check.bytes} bytes of weights, more than the ${maxBytes} bytes allowed (maxBytes)`);
  }
  const found: string[] = [];
  for (const name of [relative, prevName(relative)]) {
    const f = await locateInside(fs, base, real, name).catch((cause) => Promise.reject(readError(join(base, name), cause)));
    if (f.kind === 'missing') {
      found.push(`${f.path} is missing`);
      continue;
    }
    if (f.kind === 'refused') {
      found.push(`${f.path} is refused: it is ${f.why}`);
      continue;
    }
    if (check.bytes !== undefined && f.size !== check.bytes) {
      found.push(`${f.path} has ${f.size} bytes`); // wrong length: no need to read it
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(fs, f.real, maxBytes, (size) => `sinew: weights file ${f.path} is ${size} bytes, more than the ${maxBytes} bytes allowed (maxBytes)`, true);
    } catch (cause) {
      if (errorCode(cause) !== 'ENOENT') throw readError(f.path, cause);
      found.push(`${f.path} is missing`); // renamed away since it was found (a save in progress)
      continue;
    }
    const crc = crc32(bytes);
    if (crc === check.crc && (check.bytes === undefined || bytes.length === check.bytes)) return bytes;
    found.push(`${f.path} has CRC-32 ${hex(crc)} (${bytes.length} bytes)`);
  }
  if (found.every((f) => f.endsWith(' is missing'))) {
    throw new SinewError(`sinew: weights file ${join(base, relative)} not found (named in model.json's weightsManifest)`);
  }
  const expected = `${hex(check.crc)}${check.bytes === undefined ? '' : ` (${check.bytes} bytes)`}`;
  throw new SinewError(
    `sinew: the weights file does not match model.json (a torn or foreign file): model.json records CRC-32 ${expected}; ${found.join('; ')}`,
  );
}
