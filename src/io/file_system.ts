// Saving and loading a TF.js layers-model directory (model.json + one weights file) on a file
// system, crash-safe. Format and validation of the JSON are not here (see the other src/io files):
// this file moves bytes and keeps the directory loadable (paths: file_paths.ts; the CRC: crc32.ts).
// No `import 'node:…'`, static or dynamic: fs/promises is reached through process.getBuiltinModule
// (Node ≥ 20.16, Deno 2, Bun), as in src/runtime/load_bytes.ts, so bundlers see nothing to polyfill.
//
// Write protocol (writeModelFiles) and why a kill at any instant leaves a loadable directory.
// model.json is the commit point; it records the CRC-32 and length of its weights
// (userDefinedMetadata.sinew.weightsCrc32/weightsBytes). W = weights.bin (the weights name),
// P = weights.prev.bin (".prev" before the extension; prevName()), W.tmp = weights.bin.tmp, J = model.json.
//   0. a J without a CRC (TF.js's, hand-made) that names W is rewritten with W's CRC (J.tmp, rename).
//   1. write J.tmp and W.tmp (write, fsync, close); fsync the dir.
//   2. if W holds the committed weights (CRC/length match J's record): rename W → P. If W is an
//      orphan (from a save killed after step 3, so P holds the committed weights), leave P alone.
//   3. rename W.tmp → W.       4. rename J.tmp → J (the commit).       5. unlink P.
// (Each rename is followed by an fsync of the directory.) The loader (readWeightFiles) takes W if it
// matches J's CRC, else P if P does, else fails. Kill points, old checkpoint J₀ + W₀, new J₁ + W₁:
//   in/after 0–1: J₀ (same checkpoint, maybe now with a CRC) + W₀ (+ *.tmp leftovers)  → old.
//   after 2:      J₀ + no W + P = W₀                                                    → old via P.
//   after 3:      J₀ + W = W₁ (CRC ≠ J₀'s) + P = W₀                                     → old via P.
//   after 4:      J₁ + W₁ + P = W₀ (stale; the next save's step 2 renames over it)      → new.
// A save after a killed one starts from one of these states. Step 2's CRC test tells whether W is
// committed (rename it over any stale P) or an orphan (P holds the committed weights already), so P
// holds the committed weights whenever W does not, and the same table applies again.
// Not covered: an old manifest naming W among several files; a CRC collision (2^-32, and only when a
// killed save's new weights have the old length); symlinks. Two processes saving into one directory
// at once are not supported: the temporary names are fixed (a killed save's leftovers are then
// overwritten by the next save, not accumulated), so concurrent saves would collide.

import { crc32, crc32Update } from './crc32.js';
import { checkRelativePath, dirname, join, prevName, toPath, trimSeparators } from './file_paths.js';

/** The part of fs/promises this file uses (declared here so that no Node types are needed). */
interface FileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<Stats>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
interface Stats {
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
}
interface FsPromises {
  open(path: string, flags: string): Promise<FileHandle>;
  stat(path: string): Promise<Stats>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}
interface RuntimeGlobals {
  process?: { getBuiltinModule?: (id: string) => unknown };
}

/** Test-only: `stepsHook(k)` runs after step k (0–4) of writeModelFiles; if it throws, the save stops
 *  there with nothing cleaned up, exactly as if the process had been killed at that instant. */
export const __testing: { stepsHook?: (step: number) => void | Promise<void> } = {};

const MODEL_JSON = 'model.json';
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
const MAX_WEIGHT_PATHS = 1000;
const CHUNK = 4 * 1024 * 1024;

/** Whether this runtime reaches a file system (Node ≥ 20.16, Deno, Bun) rather than only fetch (pages, workers). */
export function hasFileSystem(): boolean {
  return typeof (globalThis as RuntimeGlobals).process?.getBuiltinModule === 'function';
}

function fileSystem(): FsPromises {
  const fs = (globalThis as RuntimeGlobals).process?.getBuiltinModule?.('node:fs/promises') as FsPromises | undefined;
  if (!fs) {
    throw new Error(
      'sinew: a path needs a runtime with a file system (Node ≥ 20.16, Deno, Bun); in browsers and workers use toArtifacts()/fromArtifacts(), a URL, or a save/load handler',
    );
  }
  return fs;
}

function errorCode(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null ? ((cause as { code?: unknown }).code as string | undefined) : undefined;
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function hex(crc: number): string {
  return `0x${crc.toString(16).padStart(8, '0')}`;
}

// ---- small file operations -------------------------------------------------------------------

/** stat, or undefined when the path does not exist. */
async function statOrUndefined(fs: FsPromises, path: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(path);
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT' || errorCode(cause) === 'ENOTDIR') return undefined;
    throw cause;
  }
}

/** Reads exactly `size` bytes of an open file into `out` at `offset`; a shorter file changed under us. */
async function readExactly(fh: FileHandle, out: Uint8Array, offset: number, size: number, path: string): Promise<void> {
  let done = 0;
  while (done < size) {
    const { bytesRead } = await fh.read(out, offset + done, size - done, done);
    if (bytesRead === 0) throw new Error(`sinew: ${path} shrank while it was being read (${done} of ${size} bytes)`);
    done += bytesRead;
  }
}

/** The whole file, refusing non-files and files over `max` bytes before reading. */
async function readBounded(fs: FsPromises, path: string, max: number, tooBig: (size: number) => string): Promise<Uint8Array> {
  const fh = await fs.open(path, 'r');
  try {
    const stats = await fh.stat(); // of the opened file, so a rename in between cannot swap it
    if (!stats.isFile()) throw new Error(`sinew: ${path} is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}`);
    if (stats.size > max) throw new Error(tooBig(stats.size));
    const out = new Uint8Array(stats.size);
    await readExactly(fh, out, 0, stats.size, path);
    return out;
  } finally {
    await fh.close();
  }
}

/** CRC and length of a file, read in chunks (the previous checkpoint need not fit in memory twice). */
async function fileCrc(fs: FsPromises, path: string): Promise<{ crc: number; size: number }> {
  const fh = await fs.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buffer = new Uint8Array(Math.min(CHUNK, Math.max(size, 1)));
    let crc = 0;
    for (let pos = 0; pos < size; ) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, size - pos), pos);
      if (bytesRead === 0) break;
      crc = crc32Update(crc, buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return { crc, size };
  } finally {
    await fh.close();
  }
}

/** Creates/truncates `path`, writes all of `bytes`, and flushes it to disk before closing. */
async function writeDurably(fs: FsPromises, path: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.open(path, 'w');
  try {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, done);
      done += bytesWritten;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes renames/creations in `dir` durable. Some platforms cannot open or sync a directory
 *  (Windows: EISDIR/EPERM; some network file systems: EINVAL/ENOTSUP); there renames are what we have. */
async function syncDir(fs: FsPromises, dir: string): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await fs.open(dir, 'r');
  } catch (cause) {
    if (['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP'].includes(errorCode(cause) ?? '')) return;
    throw cause;
  }
  try {
    await fh.sync();
  } catch (cause) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF'].includes(errorCode(cause) ?? '')) throw cause;
  } finally {
    await fh.close();
  }
}

async function unlinkIfPresent(fs: FsPromises, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (cause) {
    if (errorCode(cause) !== 'ENOENT') throw cause;
  }
}

// ---- model.json --------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The weights check a model.json records, or undefined when it records none. */
function recordedCheck(json: unknown): { crc: number; bytes: number | undefined } | undefined {
  if (!isObject(json) || !isObject(json.userDefinedMetadata)) return undefined;
  const sinew = json.userDefinedMetadata.sinew;
  if (!isObject(sinew) || sinew.weightsCrc32 === undefined) return undefined;
  const { weightsCrc32: crc, weightsBytes: bytes } = sinew;
  if (typeof crc !== 'number' || !Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
    throw new Error(`sinew: model.json userDefinedMetadata.sinew.weightsCrc32 must be an unsigned 32-bit integer, got ${JSON.stringify(crc)}`);
  }
  if (bytes === undefined) return { crc, bytes: undefined };
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`sinew: model.json userDefinedMetadata.sinew.weightsBytes must be a non-negative integer, got ${JSON.stringify(bytes)}`);
  }
  return { crc, bytes };
}

/** All weightsManifest paths in order, or undefined when the manifest is not the expected shape. */
function manifestPaths(json: unknown): unknown[] | undefined {
  if (!isObject(json) || !Array.isArray(json.weightsManifest)) return undefined;
  const paths: unknown[] = [];
  for (const group of json.weightsManifest) {
    if (!isObject(group) || !Array.isArray(group.paths)) return undefined;
    paths.push(...group.paths);
  }
  return paths;
}

/** Errors of this file start 'sinew: '; a caller names itself instead ('loadModel: …', 'save: …'). */
export async function asOwner<T>(owner: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    if (cause instanceof Error && cause.constructor === Error && cause.message.startsWith('sinew: ')) {
      throw new Error(`${owner}: ${cause.message.slice('sinew: '.length)}`, { cause: cause.cause });
    }
    throw cause;
  }
}

/**
 * Reads `<path>/model.json` (or `path` itself if it ends in .json; `path` may be a file:// URL):
 * the parsed JSON (untrusted: only parsed; JSON.parse makes a "__proto__" key a plain own property,
 * which the loader's checks refuse), its text, and its directory.
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
    );
  } catch (cause) {
    const code = errorCode(cause);
    if (code === 'ENOENT') throw new Error(`sinew: no model file at ${file}`, { cause });
    if (code === 'ENOTDIR') throw new Error(`sinew: no model file at ${file} (${given} is a file; pass a directory or a path ending in .json)`, { cause });
    if (code === 'EISDIR') throw new Error(`sinew: ${file} is a directory, not a model.json file`, { cause });
    throw cause;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new Error(`sinew: ${file} is not valid UTF-8 text, so not a model.json`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text); // no reviver: a reviver recurses, and deeply nested files would overflow the stack
  } catch (cause) {
    throw new Error(`sinew: ${file} is not valid JSON: ${message(cause)}`, { cause });
  }
  return { json, dir, text };
}

// ---- weights -----------------------------------------------------------------------------------

/** Reads and concatenates the weight files a manifest names, in order, from `dir` (a path or file:// URL).
 *  `json` is the parsed model.json: when it records a CRC and names one file, that file is verified
 *  and, if it is missing or torn, its `.prev` sibling (left by an interrupted save) is used if it matches. */
export async function readWeightFiles(dir: string, paths: readonly string[], maxBytes: number, json: unknown): Promise<Uint8Array> {
  const fs = fileSystem();
  const base = toPath(dir, 'the model directory');
  if (!Array.isArray(paths)) throw new Error(`sinew: weightsManifest paths must be an array, got ${typeof paths}`);
  if (paths.length > MAX_WEIGHT_PATHS) {
    throw new Error(`sinew: weightsManifest paths has ${paths.length} entries; at most ${MAX_WEIGHT_PATHS} weight files are accepted`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) throw new Error(`sinew: maxBytes must be a non-negative number, got ${maxBytes}`);
  const relative = paths.map((p, i) => checkRelativePath(p, i));
  const check = recordedCheck(json);
  if (check && relative.length === 1) return readCheckedWeights(fs, base, relative[0]!, maxBytes, check);

  const files = relative.map((p) => join(base, p));
  const sizes: number[] = [];
  for (const file of files) {
    const stats = await statOrUndefined(fs, file);
    if (!stats) throw new Error(`sinew: weights file ${file} not found (named in model.json's weightsManifest)`);
    if (!stats.isFile()) throw new Error(`sinew: weights file ${file} is not a regular file`);
    sizes.push(stats.size);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > maxBytes) {
    throw new Error(`sinew: the weight files total ${total} bytes, more than the ${maxBytes} bytes allowed (maxBytes)`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < files.length; i++) {
    const fh = await fs.open(files[i]!, 'r');
    try {
      // Read exactly the stat'ed size: a file that grew since cannot push us past maxBytes.
      await readExactly(fh, out, offset, sizes[i]!, files[i]!);
    } finally {
      await fh.close();
    }
    offset += sizes[i]!;
  }
  return out;
}

/** The single weights file a CRC-carrying model.json names, or its .prev sibling; see the file header. */
async function readCheckedWeights(
  fs: FsPromises,
  base: string,
  relative: string,
  maxBytes: number,
  check: { crc: number; bytes: number | undefined },
): Promise<Uint8Array> {
  if (check.bytes !== undefined && check.bytes > maxBytes) {
    throw new Error(`sinew: model.json records ${check.bytes} bytes of weights, more than the ${maxBytes} bytes allowed (maxBytes)`);
  }
  const found: string[] = [];
  for (const file of [join(base, relative), join(base, prevName(relative))]) {
    const stats = await statOrUndefined(fs, file);
    if (!stats) {
      found.push(`${file} is missing`);
      continue;
    }
    if (!stats.isFile()) {
      found.push(`${file} is not a regular file`);
      continue;
    }
    if (check.bytes !== undefined && stats.size !== check.bytes) {
      found.push(`${file} has ${stats.size} bytes`); // wrong length: no need to read it
      continue;
    }
    const bytes = await readBounded(fs, file, maxBytes, (size) =>
      `sinew: weights file ${file} is ${size} bytes, more than the ${maxBytes} bytes allowed (maxBytes)`,
    );
    const crc = crc32(bytes);
    if (crc === check.crc && (check.bytes === undefined || bytes.length === check.bytes)) return bytes;
    found.push(`${file} has CRC-32 ${hex(crc)} (${bytes.length} bytes)`);
  }
  if (found.every((f) => f.endsWith(' is missing'))) {
    throw new Error(`sinew: weights file ${join(base, relative)} not found (named in model.json's weightsManifest)`);
  }
  const expected = `${hex(check.crc)}${check.bytes === undefined ? '' : ` (${check.bytes} bytes)`}`;
  throw new Error(
    `sinew: the weights file does not match model.json (a torn or foreign file): model.json records CRC-32 ${expected}; ${found.join('; ')}`,
  );
}

// ---- saving --------------------------------------------------------------------------------------

/** Throws unless `name` is a plain file name that cannot collide with the files a save manages. */
function checkWeightsName(name: string): void {
  const bad =
    typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) ||
    /^[A-Za-z]:/.test(name) || name === MODEL_JSON || name === `${MODEL_JSON}.tmp` || name.endsWith('.tmp');
  if (bad) {
    throw new Error(`sinew: weightsName must be a plain file name (no separators, not model.json, not ending in .tmp), got ${JSON.stringify(name)}`);
  }
}

/** A copy of `json` with the weights' CRC and length merged into userDefinedMetadata.sinew. */
function withWeightsCheck(json: Record<string, unknown>, crc: number, bytes: number): Record<string, unknown> {
  const metadata = json.userDefinedMetadata ?? {};
  if (!isObject(metadata)) throw new Error('sinew: modelJson.userDefinedMetadata must be an object when present');
  const sinew = metadata.sinew ?? {};
  if (!isObject(sinew)) throw new Error('sinew: modelJson.userDefinedMetadata.sinew must be an object when present');
  // Spread (not Object.assign) so that an own "__proto__" key stays a plain key.
  return { ...json, userDefinedMetadata: { ...metadata, sinew: { ...sinew, weightsCrc32: crc, weightsBytes: bytes } } };
}

/** The committed checkpoint's model.json if it names exactly `weightsName` (else it does not load
 *  that file, and a save need not protect it), or undefined. */
async function currentModelJson(dir: string, weightsName: string): Promise<Record<string, unknown> | undefined> {
  let json: unknown;
  try {
    json = (await readModelJson(join(dir, MODEL_JSON))).json;
  } catch {
    return undefined; // missing, unreadable or not JSON: there is no loadable checkpoint to protect
  }
  const paths = manifestPaths(json);
  return isObject(json) && paths?.length === 1 && paths[0] === weightsName ? json : undefined;
}

/**
 * Step 0: a model.json that names `<weights>` but records no CRC (TF.js's, or hand-made) is rewritten
 * with the CRC of the present `<weights>` (tmp + rename: the same checkpoint, now one the loader's
 * fallback protects); otherwise step 3 would pair it with the new weights.
 */
async function recordForeignCheck(fs: FsPromises, dir: string, weightsName: string): Promise<void> {
  const weightsPath = join(dir, weightsName);
  if (!(await statOrUndefined(fs, weightsPath))?.isFile()) return;
  const current = await currentModelJson(dir, weightsName);
  if (!current || hasCheckField(current)) return;
  const { crc, size } = await fileCrc(fs, weightsPath);
  let upgraded: Record<string, unknown>;
  try {
    upgraded = withWeightsCheck(current, crc, size);
  } catch {
    return; // its userDefinedMetadata is not an object: not a model that loads anyway
  }
  const tmp = join(dir, `${MODEL_JSON}.tmp`);
  await writeDurably(fs, tmp, new TextEncoder().encode(JSON.stringify(upgraded)));
  await fs.rename(tmp, join(dir, MODEL_JSON));
}

function hasCheckField(json: Record<string, unknown>): boolean {
  return isObject(json.userDefinedMetadata) && isObject(json.userDefinedMetadata.sinew) && json.userDefinedMetadata.sinew.weightsCrc32 !== undefined;
}

/** Step 2: moves the committed weights to `<weights>.prev` if `<weights>` holds them (see the file header). */
async function setCommittedWeightsAside(fs: FsPromises, dir: string, weightsName: string): Promise<void> {
  const weightsPath = join(dir, weightsName);
  const stats = await statOrUndefined(fs, weightsPath);
  if (!stats?.isFile()) return; // nothing there, or P already holds the committed weights
  const current = await currentModelJson(dir, weightsName);
  let check: ReturnType<typeof recordedCheck>;
  try {
    check = recordedCheck(current);
  } catch {
    return; // a malformed record: that model.json does not load, nothing to protect
  }
  if (!check) return; // no loadable model.json names W (step 0 gave any foreign one a CRC)
  if (check.bytes !== undefined && check.bytes !== stats.size) return; // an orphan, by its length alone
  const actual = await fileCrc(fs, weightsPath);
  if (actual.crc !== check.crc || (check.bytes !== undefined && actual.size !== check.bytes)) return; // an orphan: P holds the committed weights
  await fs.rename(weightsPath, join(dir, prevName(weightsName)));
}

/**
 * Writes `dir/model.json` (text) and its single weights file `dir/<weightsName>` so that a process
 * killed at any instant leaves the previous checkpoint or the new one (protocol in the file header).
 * Adds userDefinedMetadata.sinew.weightsCrc32 / weightsBytes to a copy of `modelJson`. `dir` may be a
 * file:// URL and is created if needed. Leftover `*.tmp` files of an interrupted save are overwritten.
 */
export async function writeModelFiles(
  dir: string,
  modelJson: Record<string, unknown>,
  weights: Uint8Array,
  weightsName = 'weights.bin',
): Promise<void> {
  const fs = fileSystem();
  const base = toPath(dir, 'the model directory');
  checkWeightsName(weightsName);
  if (!isObject(modelJson)) throw new Error('sinew: modelJson must be a plain object');
  if (!(weights instanceof Uint8Array)) throw new Error('sinew: weights must be a Uint8Array');
  const named = manifestPaths(modelJson);
  if (modelJson.weightsManifest !== undefined && (!named || named.length !== 1 || named[0] !== weightsName)) {
    // The CRC protects exactly one file: a manifest naming anything else would not load what we write.
    throw new Error(`sinew: modelJson.weightsManifest must name exactly one path, ${JSON.stringify(weightsName)}; it names ${JSON.stringify(named)}`);
  }
  const text = JSON.stringify(withWeightsCheck(modelJson, crc32(weights), weights.length));
  const hook = __testing.stepsHook;
  const jsonPath = join(base, MODEL_JSON);
  const weightsPath = join(base, weightsName);

  await fs.mkdir(base, { recursive: true });
  await recordForeignCheck(fs, base, weightsName);
  await syncDir(fs, base);
  await hook?.(0);

  await writeDurably(fs, `${jsonPath}.tmp`, new TextEncoder().encode(text));
  await writeDurably(fs, `${weightsPath}.tmp`, weights);
  await syncDir(fs, base);
  await hook?.(1);

  await setCommittedWeightsAside(fs, base, weightsName);
  await syncDir(fs, base);
  await hook?.(2);

  await fs.rename(`${weightsPath}.tmp`, weightsPath);
  await syncDir(fs, base);
  await hook?.(3);

  await fs.rename(`${jsonPath}.tmp`, jsonPath); // the commit
  await syncDir(fs, base);
  await hook?.(4);

  await unlinkIfPresent(fs, join(base, prevName(weightsName)));
}
