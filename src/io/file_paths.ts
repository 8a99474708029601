// Paths on a file system for model directories: file:// URLs turned into paths, joining and
// splitting without node:path (bundles must see no node: import), the `.prev` name a save parks the
// committed weights under, and the check that a weights path from an untrusted model.json stays
// inside its directory.

import { SinewError } from '../errors.js';

interface RuntimeGlobals {
  process?: { platform?: string };
}

export function isWindows(): boolean {
  return (globalThis as RuntimeGlobals).process?.platform === 'win32';
}

/**
 * A plain path, or a file: URL string turned into one. As in TF.js, 'file://' followed by a relative
 * path ('file://./models/m', 'file://models/m') means that path in the working directory, taken
 * literally; 'file:///abs', 'file://localhost/abs' and 'file:///C:/x' are URLs (percent-escapes
 * decoded, as URLs mean them), and 'file:////server/share' a UNC share.
 */
export function toPath(pathOrUrl: string, what: string): string {
  if (typeof pathOrUrl !== 'string' || pathOrUrl === '') {
    throw new SinewError(`sinew: ${what} must be a non-empty path or file:// URL, got ${JSON.stringify(pathOrUrl)}`);
  }
  if (pathOrUrl.includes('\0')) throw new SinewError(`sinew: ${what} must not contain a NUL character, got ${JSON.stringify(pathOrUrl)}`);
  if (!/^file:/i.test(pathOrUrl)) return pathOrUrl;
  const rest = /^file:\/\//i.test(pathOrUrl) ? pathOrUrl.slice('file://'.length) : undefined;
  if (rest === '' || (rest !== undefined && /^localhost$/i.test(rest)) || (rest === undefined && !/^file:\//i.test(pathOrUrl))) {
    // 'file:m' would parse as the root's /m: say what is meant instead.
    throw new SinewError(`sinew: ${what} ${JSON.stringify(pathOrUrl)} is not 'file://' followed by a path ('file://./models/m', 'file:///abs/path')`);
  }
  if (rest !== undefined && !rest.startsWith('/') && !/^localhost\//i.test(rest)) return rest; // relative (or a drive, 'file://C:/x'), as TF.js
  let url: URL;
  try {
    url = new URL(pathOrUrl);
  } catch (cause) {
    throw new SinewError(`sinew: ${what} ${JSON.stringify(pathOrUrl)} is not a valid file:// URL (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (/%2f|%5c|%00/i.test(url.pathname)) {
    // An escaped separator or NUL would change which file is meant after decoding.
    throw new SinewError(`sinew: ${what} ${JSON.stringify(pathOrUrl)} holds an escaped '/', '\\' or NUL`);
  }
  let path = decodeURIComponent(url.pathname);
  if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1); // file:///C:/x → C:/x
  if (url.hostname !== '' && url.hostname !== 'localhost') path = `//${url.hostname}${path}`; // UNC share
  return path;
}

export function isSeparator(c: string): boolean {
  return c === '/' || (c === '\\' && isWindows());
}

/** dir + name with one separator; a dir written with backslashes only keeps them. */
export function join(dir: string, name: string): string {
  const last = dir[dir.length - 1];
  if (last === '/' || last === '\\') return dir + name;
  return dir + (dir.includes('\\') && !dir.includes('/') ? '\\' : '/') + name;
}

/** The directory part of a file path ('.' when there is none). */
export function dirname(path: string): string {
  for (let i = path.length - 1; i >= 0; i--) {
    if (isSeparator(path[i]!)) {
      if (i === 0) return path[0]!; // '/model.json' → '/'
      if (i === 2 && path[1] === ':') return path.slice(0, 3); // 'C:\model.json' → 'C:\'
      return path.slice(0, i);
    }
  }
  return '.';
}

/** Trailing separators dropped, except for a root ('/', 'C:\'). */
export function trimSeparators(path: string): string {
  let end = path.length;
  while (end > 1 && isSeparator(path[end - 1]!) && !(end === 3 && path[1] === ':')) end--;
  return path.slice(0, end);
}

/** Where the committed weights wait during a save: 'weights.bin' → 'weights.prev.bin', 'w' → 'w.prev'. */
export function prevName(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? `${path.slice(0, dot)}.prev${path.slice(dot)}` : `${path}.prev`;
}

/**
 * Why `path` (a weights path from an untrusted manifest) could name something other than a file
 * beside model.json, or undefined when it cannot. Shared by the file system and the URL loader.
 */
export function relativePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path === '') return 'must not be empty';
  if (path.includes('\0')) return 'must not contain a NUL byte';
  if (path.includes('\\')) return 'must use "/" (a backslash is not allowed)';
  // A scheme ('file:', 'http:') or a drive letter ('C:') would leave the directory.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return 'must be a relative path, not a URL or a drive';
  if (path.startsWith('/')) return 'must be relative to model.json, not absolute';
  for (const segment of path.split('/')) {
    if (segment === '..') return "must not contain '..'";
    if (segment === '') return 'must not contain empty segments or end with "/"';
  }
  return undefined;
}

/** Throws unless `path` (from an untrusted file) names a file inside the directory. */
export function checkRelativePath(path: unknown, i: number): string {
  const problem = relativePathProblem(path);
  if (problem) throw new SinewError(`sinew: weightsManifest paths[${i}] ${problem}, got ${JSON.stringify(path)}`);
  return path as string;
}
