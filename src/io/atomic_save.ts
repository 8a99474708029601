// Saving a model directory (model.json + one weights file) so that it always loads one committed
// checkpoint: after a kill at any instant, after a failed write (full disk, no permission), and
// with several saves into it at once (in one process or several: dir_lock.ts lets one run at a time).
//
// Write protocol (writeModelFiles), run holding the directory's lock, and why a kill at any instant
// leaves a loadable directory. model.json is the commit point; it records the CRC-32 and length of
// its weights (weights_record.ts). W = weights.bin (the weights name), P = weights.prev.bin (".prev"
// before the extension; prevName()), W.tmp = weights.bin.tmp, J = model.json.
//   0. a J without a CRC (TF.js's, hand-made) that names W is rewritten with W's CRC (J.tmp, rename).
//   1. write J.tmp and W.tmp (create exclusively, write, fsync, close); fsync the dir.
//   2. if W holds the committed weights (CRC/length match J's record): rename W → P. If W is an
//      orphan (from a save killed after step 3, so P holds the committed weights), leave P alone.
//   3. rename W.tmp → W.       4. rename J.tmp → J (the commit).       5. unlink P.
// (Each rename is followed by an fsync of the directory.) The loader (file_system.ts) takes W if it
// matches J's CRC, else P if P does, else fails. Kill points, old checkpoint J₀ + W₀, new J₁ + W₁:
//   in/after 0–1: J₀ (same checkpoint, maybe now with a CRC) + W₀ (+ *.tmp leftovers)  → old.
//   after 2:      J₀ + no W + P = W₀                                                    → old via P.
//   after 3:      J₀ + W = W₁ (CRC ≠ J₀'s) + P = W₀                                     → old via P.
//   after 4:      J₁ + W₁ + P = W₀ (stale; the next save's step 2 renames over it)      → new.
// A save after a killed one starts from one of these states. Step 2's CRC test tells whether W is
// committed (rename it over any stale P) or an orphan (P holds the committed weights already), so P
// holds the committed weights whenever W does not, and the same table applies again.
// A save that fails (rather than dies) before step 4 rolls back: its temporary files are removed and
// P is renamed back to W, so the directory holds exactly the previous checkpoint again.
// The temporary names are fixed, which is safe because only the lock holder touches them: a killed
// save's leftovers (or links planted there) are unlinked, then each file is created with 'wx'
// (O_EXCL: a link there is never followed). Renames replace a link rather than follow it.
// Not covered: an old manifest naming W among several files; a CRC collision (2^-32, and only when a
// killed save's new weights have the old length).

import { crc32 } from './crc32.js';
import { acquireLock, LOCK_NAME, releaseLock } from './dir_lock.js';
import { join, prevName, toPath } from './file_paths.js';
import { __testing, fileSystem, errorCode, quoted, reasonOf, statOrUndefined, unlinkIfPresent, type FileHandle, type FsPromises } from './fs_runtime.js';
import { fileCrc, readBounded } from './regular_files.js';
import { hasCheckField, isObject, manifestPaths, MAX_MODEL_JSON_BYTES, MODEL_JSON, recordedCheck, withWeightsCheck } from './weights_record.js';
import { SinewError } from '../errors.js';

/** A test hook's throw: the save stops as a kill would stop it, with nothing rolled back. */
class SimulatedKill {
  constructor(readonly cause: unknown) {}
}

async function step(k: number): Promise<void> {
  try {
    await __testing.stepsHook?.(k);
  } catch (cause) {
    throw new SimulatedKill(cause);
  }
}

/** Errors of a save name the directory and the reason: 'sinew: cannot write '<dir>': <reason>'. */
function writeError(base: string, cause: unknown): Error {
  if (cause instanceof SinewError && cause.owner === 'sinew' && cause.detail.startsWith('cannot write ')) return cause;
  const reason = cause instanceof SinewError && cause.owner === 'sinew' ? cause.detail : reasonOf(cause);
  return new SinewError(`sinew: cannot write ${quoted(base)}: ${reason}`, { cause });
}

/** Creates `path` afresh (a leftover or a planted link there is unlinked, not followed), writes all of
 *  `bytes`, and flushes it to disk before closing. Only the lock holder calls this. */
async function writeDurably(fs: FsPromises, path: string, bytes: Uint8Array): Promise<void> {
  await unlinkIfPresent(fs, path);
  const fh = await fs.open(path, 'wx');
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

/** Throws unless `name` is a plain file name that cannot collide with the files a save manages. */
function checkWeightsName(name: string): void {
  const bad =
    typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) ||
    /^[A-Za-z]:/.test(name) || name === MODEL_JSON || name === `${MODEL_JSON}.tmp` || name.endsWith('.tmp') || name.startsWith(LOCK_NAME);
  if (bad) {
    throw new SinewError(`sinew: weightsName must be a plain file name (no separators, not model.json, not ending in .tmp), got ${JSON.stringify(name)}`);
  }
}

/** The committed checkpoint's model.json if it names exactly `weightsName` (else it does not load
 *  that file, and a save need not protect it), or undefined. */
async function currentModelJson(fs: FsPromises, dir: string, weightsName: string): Promise<Record<string, unknown> | undefined> {
  let json: unknown;
  try {
    const bytes = await readBounded(fs, join(dir, MODEL_JSON), MAX_MODEL_JSON_BYTES, () => 'sinew: too big', false);
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined; // missing, not a regular file, not JSON: there is no loadable checkpoint to protect
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
  if (!(await statOrUndefined(fs, weightsPath, true))?.isFile()) return; // a link is not the loader's (regular_files.ts)
  const current = await currentModelJson(fs, dir, weightsName);
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

/** Step 2: moves the committed weights to `<weights>.prev` if `<weights>` holds them (see the file
 *  header); whether it did. */
async function setCommittedWeightsAside(fs: FsPromises, dir: string, weightsName: string): Promise<boolean> {
  const weightsPath = join(dir, weightsName);
  const stats = await statOrUndefined(fs, weightsPath, true);
  if (!stats?.isFile()) return false; // nothing there (P already holds the committed weights), or a link
  const current = await currentModelJson(fs, dir, weightsName);
  let check: ReturnType<typeof recordedCheck>;
  try {
    check = recordedCheck(current);
  } catch {
    return false; // a malformed record: that model.json does not load, nothing to protect
  }
  if (!check) return false; // no loadable model.json names W (step 0 gave any foreign one a CRC)
  if (check.bytes !== undefined && check.bytes !== stats.size) return false; // an orphan, by its length alone
  const actual = await fileCrc(fs, weightsPath);
  if (actual.crc !== check.crc || (check.bytes !== undefined && actual.size !== check.bytes)) return false; // an orphan: P holds the committed weights
  await fs.rename(weightsPath, join(dir, prevName(weightsName)));
  return true;
}

/** After a failure before the commit: our temporary files go, and W is what it was (best effort:
 *  whatever is left, the directory loads the previous checkpoint by the table above). */
async function rollBack(fs: FsPromises, dir: string, weightsName: string, done: { setAside: boolean; replaced: boolean }): Promise<void> {
  const weightsPath = join(dir, weightsName);
  const quietly = (work: Promise<unknown>) => work.catch(() => undefined);
  await quietly(unlinkIfPresent(fs, join(dir, `${MODEL_JSON}.tmp`)));
  await quietly(unlinkIfPresent(fs, `${weightsPath}.tmp`));
  if (done.setAside) await quietly(fs.rename(join(dir, prevName(weightsName)), weightsPath));
  else if (done.replaced) await quietly(unlinkIfPresent(fs, weightsPath)); // not committed weights (step 2 said so): ours
  await quietly(syncDir(fs, dir));
}

/** The protocol of the file header, run holding the lock. */
async function commitFiles(fs: FsPromises, base: string, text: string, weights: Uint8Array, weightsName: string): Promise<void> {
  const jsonPath = join(base, MODEL_JSON);
  const weightsPath = join(base, weightsName);
  const done = { setAside: false, replaced: false, committed: false };
  try {
    await recordForeignCheck(fs, base, weightsName);
    await syncDir(fs, base);
    await step(0);

    await writeDurably(fs, `${jsonPath}.tmp`, new TextEncoder().encode(text));
    await writeDurably(fs, `${weightsPath}.tmp`, weights);
    await syncDir(fs, base);
    await step(1);

    done.setAside = await setCommittedWeightsAside(fs, base, weightsName);
    await syncDir(fs, base);
    await step(2);

    await fs.rename(`${weightsPath}.tmp`, weightsPath);
    done.replaced = true;
    await syncDir(fs, base);
    await step(3);

    await fs.rename(`${jsonPath}.tmp`, jsonPath); // the commit
    done.committed = true;
    await syncDir(fs, base);
    await step(4);
  } catch (cause) {
    if (cause instanceof SimulatedKill) throw cause.cause;
    if (!done.committed) await rollBack(fs, base, weightsName, done);
    throw writeError(base, cause);
  }
  // Step 5. A P left here is stale and harmless: the next save's step 2 renames over it.
  await unlinkIfPresent(fs, join(base, prevName(weightsName))).catch(() => undefined);
}

/**
 * Writes `dir/model.json` (text) and its single weights file `dir/<weightsName>` so that the directory
 * always loads the previous checkpoint or the new one (protocol in the file header). Adds
 * userDefinedMetadata.sinew.weightsCrc32 / weightsBytes to a copy of `modelJson`. `dir` may be a
 * file:// URL and is created if needed. Saves into one directory run one at a time (dir_lock.ts).
 * Failures are 'sinew: cannot write '<dir>': <reason>' with the previous checkpoint kept.
 */
export async function writeModelFiles(
  dir: string,
  modelJson: Record<string, unknown>,
  weights: Uint8Array,
  weightsName = 'weights.bin',
): Promise<void> {
  const fs = fileSystem();
  if (typeof dir === 'string' && dir.includes('\0')) throw new SinewError(`sinew: cannot write ${quoted(dir)}: the path contains a NUL character`);
  const base = toPath(dir, 'the model directory');
  checkWeightsName(weightsName);
  if (!isObject(modelJson)) throw new SinewError('sinew: modelJson must be a plain object');
  if (!(weights instanceof Uint8Array)) throw new SinewError('sinew: weights must be a Uint8Array');
  const named = manifestPaths(modelJson);
  if (modelJson.weightsManifest !== undefined && (!named || named.length !== 1 || named[0] !== weightsName)) {
    // The CRC protects exactly one file: a manifest naming anything else would not load what we write.
    throw new SinewError(`sinew: modelJson.weightsManifest must name exactly one path, ${JSON.stringify(weightsName)}; it names ${JSON.stringify(named)}`);
  }
  const text = JSON.stringify(withWeightsCheck(modelJson, crc32(weights), weights.length));

  let lock;
  try {
    await fs.mkdir(base, { recursive: true });
    lock = await acquireLock(fs, base);
  } catch (cause) {
    throw writeError(base, cause);
  }
  try {
    await commitFiles(fs, base, text, weights, weightsName);
  } finally {
    await releaseLock(fs, lock);
  }
}
