// Which kind of place a string names for save and loadModel: a path or file:// URL (a file system),
// http(s):// (loading, with fetch), indexeddb://name (browsers) and downloads://name (saving, in a
// page). Any other scheme is refused here, in every runtime, so that 'https://…/upload' or
// 'localstorage://x' never becomes a folder named 'https:' or 'localstorage:' beside the program.

import { describe, SinewError } from '../errors.js';
import { hasFileSystem } from './fs_runtime.js';

/** Two characters at least before '://': 'C://x' is a Windows drive, not a scheme. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//;

/** The scheme of a URL-like string, lower-cased, or undefined for a plain path. */
export function schemeOf(target: string): string | undefined {
  return SCHEME.exec(target)?.[1]!.toLowerCase();
}

function hint(owner: 'save' | 'loadModel', scheme: string): string {
  if (scheme === 'localstorage') return "TF.js's 'localstorage://' is not supported; use 'indexeddb://name'";
  if (owner === 'save' && (scheme === 'http' || scheme === 'https')) {
    return 'sinew does not upload by itself; pass a function (artifacts) => … or a handler with save(artifacts), such as TF.js\'s tf.io.http(url)';
  }
  if (owner === 'loadModel' && scheme === 'downloads') {
    return "'downloads://' only saves; load the downloaded files from a server, a path, or with a handler such as TF.js's tf.io.browserFiles(files)";
  }
  return `the scheme '${scheme}://' is not one ${owner} knows`;
}

/** Where save writes a string target; throws for schemes it cannot write to. */
export function saveRoute(target: string): 'files' | 'indexeddb' | 'downloads' {
  const scheme = schemeOf(target);
  if (scheme === undefined || scheme === 'file') return 'files';
  if (scheme === 'indexeddb' || scheme === 'downloads') return scheme;
  throw new SinewError(`save: expected \`target\` to be a directory path or a URL starting file://, indexeddb:// or downloads://, received ${describe(target)} (${hint('save', scheme)})`);
}

/** Where loadModel reads a string source from; throws for schemes it cannot read. */
export function loadRoute(source: string): 'files' | 'http' | 'indexeddb' {
  const scheme = schemeOf(source);
  if (scheme === undefined) return 'files';
  if (scheme === 'file') {
    if (!hasFileSystem()) {
      throw new SinewError("loadModel: 'file://' needs a runtime with a file system (Node ≥ 20.16, Deno, Bun); in a page or worker use an http(s) URL or a path relative to the page");
    }
    return 'files';
  }
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'indexeddb') return 'indexeddb';
  throw new SinewError(
    `loadModel: expected \`source\` to be a directory or model.json path, or a URL starting file://, http://, https:// or indexeddb://, received ${describe(source)} (${hint('loadModel', scheme)})`,
  );
}
