// Reading files of a model directory safely: only regular files are opened (a FIFO or a device would
// block the read, and each blocked open holds one of libuv's four threads, stalling every other file
// read of the process), and weight files — named by an untrusted model.json — only when they are
// inside the directory once links are resolved (a link to a secret file would otherwise come back as
// weights). Every open is non-blocking and followed by an fstat of what was opened, so a file swapped
// for a FIFO between the check and the open is refused too.

import { crc32Update } from './crc32.js';
import { errorCode, readFlags, statOrUndefined, type FileHandle, type FsPromises } from './fs_runtime.js';
import { isSeparator, isWindows, join } from './file_paths.js';
import { SinewError } from '../errors.js';

const CHUNK = 4 * 1024 * 1024;

function kindOf(stats: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  return stats.isDirectory() ? 'a directory' : stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file (a FIFO, socket or device)';
}

/**
 * Opens a regular file for reading, or throws 'sinew: <path> is …' for anything else. `noFollow`
 * also refuses a symbolic link as the last component (callers pass a path they already resolved).
 * ENOENT and ENOTDIR from the stat pass through for the caller to name.
 */
export async function openRegular(fs: FsPromises, path: string, noFollow: boolean): Promise<FileHandle> {
  const before = await (noFollow ? fs.lstat(path) : fs.stat(path));
  if (!before.isFile()) throw new SinewError(`sinew: ${path} is ${kindOf(before)}`);
  let fh: FileHandle;
  try {
    fh = await fs.open(path, readFlags(noFollow));
  } catch (cause) {
    if (errorCode(cause) === 'ELOOP') throw new SinewError(`sinew: ${path} is a symbolic link`, { cause }); // swapped in after the lstat
    throw cause;
  }
  try {
    const stats = await fh.stat(); // of the opened file, so a swap in between cannot pass
    if (!stats.isFile()) throw new SinewError(`sinew: ${path} is ${kindOf(stats)}`);
    return fh;
  } catch (cause) {
    await fh.close();
    throw cause;
  }
}

/** Reads exactly `size` bytes of an open file into `out` at `offset`; a shorter file changed under us. */
export async function readExactly(fh: FileHandle, out: Uint8Array, offset: number, size: number, path: string): Promise<void> {
  let done = 0;
  while (done < size) {
    const { bytesRead } = await fh.read(out, offset + done, size - done, done);
    if (bytesRead === 0) throw new SinewError(`sinew: ${path} shrank while it was being read (${done} of ${size} bytes)`);
    done += bytesRead;
  }
}

/** The whole regular file, refusing files over `max` bytes before reading. */
export async function readBounded(fs: FsPromises, path: string, max: number, tooBig: (size: number) => string, noFollow: boolean): Promise<Uint8Array> {
  const fh = await openRegular(fs, path, noFollow);
  try {
    const size = (await fh.stat()).size;
    if (size > max) throw new SinewError(tooBig(size));
    const out = new Uint8Array(size);
    await readExactly(fh, out, 0, size, path);
    return out;
  } finally {
    await fh.close();
  }
}

/** CRC and length of a regular file (not a link), read in chunks (the previous checkpoint need not fit in memory twice). */
export async function fileCrc(fs: FsPromises, path: string): Promise<{ crc: number; size: number }> {
  const fh = await openRegular(fs, path, true);
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

/** Whether `path` is `dir` itself or below it (both already resolved by realpath). */
function isInside(dir: string, path: string): boolean {
  const fold = (s: string) => (isWindows() ? s.toLowerCase() : s);
  const d = fold(dir);
  const p = fold(path);
  if (!p.startsWith(d)) return false;
  return d.length > 0 && (isSeparator(d[d.length - 1]!) || p.length === d.length || isSeparator(p[d.length]!));
}

/** A weights file checked to be a regular file inside the model directory, by its resolved path. */
export type InsideFile = { kind: 'file'; path: string; real: string; size: number } | { kind: 'missing'; path: string } | { kind: 'refused'; path: string; why: string };

/**
 * Where `relative` (already checked to have no '..' and no absolute form) leads from the model
 * directory `dirReal` (resolved): refused when a link takes it outside, or when it is not a regular file.
 */
export async function locateInside(fs: FsPromises, base: string, dirReal: string, relative: string): Promise<InsideFile> {
  const path = join(base, relative);
  let real: string;
  try {
    real = await fs.realpath(path);
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT' || errorCode(cause) === 'ENOTDIR') {
      // A dangling link is refused by name rather than called missing.
      return (await statOrUndefined(fs, path, true))?.isSymbolicLink() ? { kind: 'refused', path, why: 'a symbolic link to nothing' } : { kind: 'missing', path };
    }
    if (errorCode(cause) === 'ELOOP') return { kind: 'refused', path, why: 'a loop of symbolic links' };
    throw cause;
  }
  if (!isInside(dirReal, real)) {
    return { kind: 'refused', path, why: `outside the model directory once links are resolved (it leads to ${real}, the directory is ${dirReal})` };
  }
  const stats = await statOrUndefined(fs, real, true);
  if (!stats) return { kind: 'missing', path }; // renamed away since (a save in progress)
  if (!stats.isFile()) return { kind: 'refused', path, why: kindOf(stats) };
  return { kind: 'file', path, real, size: stats.size };
}
