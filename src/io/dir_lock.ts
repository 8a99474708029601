// One save at a time per model directory — across async calls of one process and across processes —
// through an exclusive lock file, `model.json.lock`, held for the whole write protocol of
// atomic_save.ts (whose fixed file names assume a single writer).
//
// Taking it: create the lock holding { pid, host, token } (the token unique to this acquisition),
// complete from its first instant: written to a file of our own and hard-linked into place, which
// fails when anything is there, even a dangling link ('wx', O_CREAT|O_EXCL, and a write where hard
// links are not supported). If it exists:
//   its holder is alive (this host and process.kill(pid, 0) or /proc finds it, or this runtime cannot
//     tell — Deno without --allow-run —, or another host, whose pids mean nothing here): wait and
//     retry, for WAIT_MS at most, then fail naming the holder and the file;
//   its holder is dead (this host, no such process: a process killed mid-save): break it and retry;
//   it is unreadable (not a lock sinew wrote; or, only without hard links, a holder killed between
//     creating and writing it) and stays unchanged for PARTIAL_MS: break it, its identity taken from
//     inode, size and mtime.
// Breaking a dead lock of identity X must never remove a live lock that replaced it. A breaker
// creates `model.json.lock.break-X.<k>` (the same way) for the lowest k it finds free, having found
// every lower k's creator dead; then it re-reads the lock and unlinks it only if it still holds X.
// Why no live lock is lost: the lock holding X can be removed only by its holder (dead) or by a
// breaker of X; creation admits one creator per k, and a breaker passes k only when k's creator is
// dead, so at most one breaker of X is alive. While the lock holds X nobody can create another, so
// what that breaker re-reads as X is still X when it unlinks it. Tokens are never reused, so once X is
// gone no check finds X again and a late breaker does nothing; that is also why break files may be
// deleted at any time once X is gone (the new holder deletes them). A dead pid reused by another
// process only makes a waiter wait (the safe side).

import { __testing, errorCode, processAlive, processIdentity, quoted, statOrUndefined, unlinkIfPresent, type FsPromises } from './fs_runtime.js';
import { join } from './file_paths.js';
import { readBounded } from './regular_files.js';
import { SinewError } from '../errors.js';

export const LOCK_NAME = 'model.json.lock';
const WAIT_MS = 120_000;
const PARTIAL_MS = 2_000;
const MAX_LEVELS = 16;
const MAX_RECORD_BYTES = 1024;

export interface Lock {
  path: string;
  token: string;
}

interface Holder {
  pid: number;
  host: string;
  token: string;
}

type Seen = { state: 'gone' } | { state: 'holder'; holder: Holder; id: string } | { state: 'unreadable'; id: string };

function newToken(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates `path` holding `text` with 'wx', or returns false when something is already there. */
async function createWithOpen(fs: FsPromises, path: string, text: string): Promise<boolean> {
  let fh;
  try {
    fh = await fs.open(path, 'wx');
  } catch (cause) {
    if (errorCode(cause) === 'EEXIST') return false;
    throw cause;
  }
  const bytes = new TextEncoder().encode(text);
  try {
    for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done, bytes.length - done, done)).bytesWritten;
  } catch (cause) {
    await fh.close().catch(() => undefined);
    await unlinkIfPresent(fs, path).catch(() => undefined); // a lock nobody holds would only delay the next save
    throw cause;
  }
  await fh.close();
  return true;
}

/**
 * Creates `path` holding `text`, complete from its first instant, or returns false when something is
 * already there: the text goes to a file of our own, hard-linked into place (link fails if `path`
 * exists). So a lock or break file is never seen half-written, and an unreadable one is never a live
 * holder's. Where hard links are not supported (FAT, some network shares), 'wx' and a write.
 */
async function createExclusive(fs: FsPromises, path: string, text: string, token: string): Promise<boolean> {
  const own = `${path}.new-${token}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!(await createWithOpen(fs, own, text))) await unlinkIfPresent(fs, own); // ours from an earlier attempt
    else {
      try {
        await fs.link(own, path);
        return true;
      } catch (cause) {
        const code = errorCode(cause);
        if (code === 'EEXIST') return false;
        if (code === 'ENOENT') continue; // our file was cleaned up by the lock's holder: write it again
        if (['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EINVAL', 'EMLINK'].includes(code ?? '')) return createWithOpen(fs, path, text);
        throw cause;
      } finally {
        await unlinkIfPresent(fs, own).catch(() => undefined);
      }
    }
  }
  return createWithOpen(fs, path, text);
}

/** The lock (or a break file) as found: its holder, gone, or unreadable — read without following a link or blocking. */
async function look(fs: FsPromises, path: string): Promise<Seen> {
  const stats = await statOrUndefined(fs, path, true);
  if (!stats) return { state: 'gone' };
  const unreadable: Seen = { state: 'unreadable', id: `x${stats.ino}-${stats.size}-${Math.round(stats.mtimeMs)}` };
  if (!stats.isFile() || stats.size > MAX_RECORD_BYTES) return unreadable;
  let text: string;
  try {
    text = new TextDecoder().decode(await readBounded(fs, path, MAX_RECORD_BYTES, () => 'too big', true));
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ENOENT') return { state: 'gone' };
    return unreadable;
  }
  try {
    const h = JSON.parse(text) as Holder;
    if (Number.isSafeInteger(h.pid) && typeof h.host === 'string' && typeof h.token === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(h.token)) {
      return { state: 'holder', holder: { pid: h.pid, host: h.host, token: h.token }, id: h.token };
    }
  } catch {
    // partial or foreign
  }
  return unreadable;
}

/** Whether what `seen` shows is dead: a holder of this host that is gone, or unreadable and unchanged for PARTIAL_MS. */
async function isDead(fs: FsPromises, seen: Seen, me: { pid: number; host: string }, firstSeen: Map<string, number>): Promise<boolean> {
  if (seen.state === 'gone') return false;
  if (seen.state === 'holder') return seen.holder.host === me.host && seen.holder.pid !== me.pid && (await processAlive(fs, seen.holder.pid)) === false; // unknown: alive
  const now = Date.now();
  if (!firstSeen.has(seen.id)) firstSeen.set(seen.id, now);
  return now - firstSeen.get(seen.id)! >= (__testing.lockTimings?.partialMs ?? PARTIAL_MS);
}

/** Breaks the dead lock of identity `id` (see the file header); false when another live breaker is at it. */
async function breakLock(fs: FsPromises, path: string, id: string, me: { pid: number; host: string }, firstSeen: Map<string, number>): Promise<boolean> {
  const token = newToken();
  const record = JSON.stringify({ pid: me.pid, host: me.host, token });
  for (let k = 1; k <= MAX_LEVELS; k++) {
    const breaker = `${path}.break-${id.replace(/[^A-Za-z0-9-]/g, '_')}.${k}`;
    if (await createExclusive(fs, breaker, record, token)) {
      try {
        const now = await look(fs, path);
        if (now.state !== 'gone' && now.id === id) await unlinkIfPresent(fs, path);
      } finally {
        await unlinkIfPresent(fs, breaker);
      }
      return true;
    }
    const other = await look(fs, breaker);
    if (other.state === 'gone') return true; // its breaker finished: X is gone
    if (!(await isDead(fs, other, me, firstSeen))) return false;
  }
  throw new SinewError(`sinew: ${MAX_LEVELS} processes died breaking the stale lock ${path}; if no save is running, delete it and ${path}.break-*`);
}

async function holderText(fs: FsPromises, seen: Seen, me: { host: string }): Promise<string> {
  if (seen.state !== 'holder') return 'a file sinew cannot read as a lock';
  const { pid, host } = seen.holder;
  if (host !== me.host) return `process ${pid} on host ${host || '(unknown)'}`;
  const unknown = (await processAlive(fs, pid)) === undefined;
  return `process ${pid} of this host${unknown ? ', which this runtime cannot tell alive or dead (Deno needs --allow-run)' : ''}`;
}

/** Takes the directory's save lock, waiting while another live save holds it. */
export async function acquireLock(fs: FsPromises, dir: string): Promise<Lock> {
  const me = processIdentity();
  const token = newToken();
  const path = join(dir, LOCK_NAME);
  const record = JSON.stringify({ pid: me.pid, host: me.host, token });
  const waitMs = __testing.lockTimings?.waitMs ?? WAIT_MS;
  const start = Date.now();
  const firstSeen = new Map<string, number>();
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    if (await createExclusive(fs, path, record, token)) {
      await removeBreakFiles(fs, dir);
      return { path, token };
    }
    const seen = await look(fs, path);
    if (seen.state === 'gone') continue; // released in between: try again at once
    if ((await isDead(fs, seen, me, firstSeen)) && (await breakLock(fs, path, seen.id, me, firstSeen))) continue;
    if (Date.now() - start > waitMs) {
      throw new SinewError(
        `sinew: cannot write ${quoted(dir)}: another save into it (${await holderText(fs, seen, me)}) still holds ${path} after ${waitMs / 1000} s; if no save is running, delete that file`,
      );
    }
    await sleep(delay * (0.5 + Math.random())); // jitter, so that waiting processes do not retry in step
  }
}

/** Break files of locks broken earlier and files of killed acquirers (`.new-…`), left by processes
 *  killed midway; harmless to delete once we hold the lock (a live acquirer whose file goes writes it again). */
async function removeBreakFiles(fs: FsPromises, dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`${LOCK_NAME}.break-`) || name.startsWith(`${LOCK_NAME}.new-`)) await unlinkIfPresent(fs, join(dir, name)).catch(() => undefined);
  }
}

/** Releases the lock if it is still ours; on failure it stays, stale once this process ends. */
export async function releaseLock(fs: FsPromises, lock: Lock): Promise<void> {
  try {
    const seen = await look(fs, lock.path);
    if (seen.state === 'holder' && seen.holder.token === lock.token) await fs.unlink(lock.path);
  } catch {
    // see above
  }
}
