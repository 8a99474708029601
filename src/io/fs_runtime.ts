// How the file layer reaches a file system: fs/promises through process.getBuiltinModule (Node ≥ 20.16,
// Deno 2, Bun), never an `import 'node:…'`, static or dynamic, so bundlers see nothing to polyfill (as
// src/runtime/load_bytes.ts). The types below are the part of fs/promises the layer uses, declared
// here so that no Node types are needed. Also the test seam shared by the file layer's parts.

import { SinewError } from '../errors.js';

export interface FileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  stat(): Promise<Stats>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
export interface Stats {
  size: number;
  ino: number;
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}
export interface FsPromises {
  open(path: string, flags: string | number, mode?: number): Promise<FileHandle>;
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}
interface RuntimeGlobals {
  process?: { getBuiltinModule?: (id: string) => unknown; pid?: number; platform?: string; kill?: (pid: number, signal: number) => unknown };
}

/** Test-only seams. `stepsHook(k)` runs after step k (0–4) of writeModelFiles; if it throws, the save
 *  stops there with nothing cleaned up (the lock aside), exactly as if the process had been killed at
 *  that instant. `fs` replaces fs/promises (to inject failures such as a full disk). `lockTimings`
 *  shortens the lock's waits (dir_lock.ts). */
export const __testing: {
  stepsHook?: (step: number) => void | Promise<void>;
  fs?: FsPromises;
  lockTimings?: { waitMs?: number; partialMs?: number };
} = {};

function builtin<T>(id: string): T | undefined {
  return (globalThis as RuntimeGlobals).process?.getBuiltinModule?.(id) as T | undefined;
}

/** Whether this runtime reaches a file system (Node ≥ 20.16, Deno, Bun) rather than only fetch (pages, workers). */
export function hasFileSystem(): boolean {
  return typeof (globalThis as RuntimeGlobals).process?.getBuiltinModule === 'function';
}

export function fileSystem(): FsPromises {
  const fs = builtin<FsPromises>('node:fs/promises');
  if (!fs) {
    throw new SinewError(
      'sinew: a path needs a runtime with a file system (Node ≥ 20.16, Deno, Bun); in browsers and workers use toArtifacts()/fromArtifacts(), a URL, or a save/load handler',
    );
  }
  return __testing.fs ?? fs;
}

/** open() flags: read without blocking on a FIFO or device, optionally not following a final link. */
export function readFlags(noFollow: boolean): number {
  const c = builtin<{ constants?: Record<string, number> }>('node:fs')?.constants ?? {};
  // Windows has neither flag (and no FIFOs to block on); 0 leaves a plain read-only open.
  return (c.O_RDONLY ?? 0) | (c.O_NONBLOCK ?? 0) | (noFollow ? (c.O_NOFOLLOW ?? 0) : 0);
}

/** This process and host, for the lock's record; the host is '' where it cannot be read (Deno without --allow-sys). */
export function processIdentity(): { pid: number; host: string } {
  let host = '';
  try {
    host = builtin<{ hostname(): string }>('node:os')?.hostname() ?? '';
  } catch {
    // a permission error: compare pids only
  }
  return { pid: (globalThis as RuntimeGlobals).process?.pid ?? 0, host };
}

/** Whether a process of this host is alive, or undefined when this runtime cannot tell (Deno without
 *  --allow-run, which also keeps /proc from it). Linux's /proc answers where process.kill may not be used. */
export async function processAlive(fs: FsPromises, pid: number): Promise<boolean | undefined> {
  const proc = (globalThis as RuntimeGlobals).process;
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    if (typeof proc?.kill === 'function') {
      proc.kill.call(proc, pid, 0);
      return true;
    }
  } catch (cause) {
    const code = errorCode(cause);
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // alive, another user's
  }
  if (proc?.platform !== 'linux') return undefined;
  try {
    if (!(await statOrUndefined(fs, '/proc/self'))) return undefined; // no /proc mounted
    return (await statOrUndefined(fs, `/proc/${pid}`)) !== undefined;
  } catch {
    return undefined;
  }
}

export function errorCode(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null ? ((cause as { code?: unknown }).code as string | undefined) : undefined;
}

export function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A path for a message: in single quotes, control characters (a NUL, a newline) escaped. */
export function quoted(path: string): string {
  return `'${path.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** Why an fs call failed, in words, with the code (the Node message names the call, not the problem). */
export function reasonOf(cause: unknown): string {
  const code = errorCode(cause);
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    EEXIST: 'a file is in the way: the path names a file, not a directory',
    ENOTDIR: 'a file is in the way: a part of the path is a file, not a directory',
    ENOENT: 'a directory on the path is missing or was removed',
    EISDIR: 'a directory is in the way',
    EMFILE: 'too many open files',
    ENAMETOOLONG: 'the path is too long',
    ELOOP: 'too many symbolic links on the path',
    EIO: 'an input/output error',
  };
  const reason = code ? reasons[code] : undefined;
  return reason ? `${reason} (${code})` : message(cause);
}

/** stat (or lstat), or undefined when the path does not exist. */
export async function statOrUndefined(fs: FsPromises, path: string, link = false): Promise<Stats | undefined> {
  try {
    return await (link ? fs.lstat(path) : fs.stat(path));
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT' || errorCode(cause) === 'ENOTDIR') return undefined;
    throw cause;
  }
}

export async function unlinkIfPresent(fs: FsPromises, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (cause) {
    if (errorCode(cause) !== 'ENOENT') throw cause;
  }
}
