// `downloads://<name>` in a page: the model saved as two browser downloads, `<name>.json` (model.json,
// its manifest naming './<name>.weights.bin') and `<name>.weights.bin`, as TF.js's browserDownloads
// does, so the pair loads back from a server or a directory like any model.json. Elsewhere (Node,
// workers: no `document`) it is refused, since there is no browser to download into.

import { toModelJson, type ModelArtifacts } from './artifacts.js';
import { SinewError } from '../errors.js';

const SCHEME = 'downloads://';

export function isDownloadsUrl(target: string): boolean {
  return target.toLowerCase().startsWith(SCHEME);
}

interface Anchor {
  download: string;
  href: string;
  click(): void;
}

/** Starts the two downloads; resolves once both were clicked. */
export async function saveToDownloads(url: string, artifacts: ModelArtifacts): Promise<void> {
  const doc = (globalThis as { document?: { createElement?: (tag: string) => unknown } }).document;
  const urls = (globalThis as { URL?: { createObjectURL?: (blob: Blob) => string; revokeObjectURL?: (url: string) => void } }).URL;
  if (typeof doc?.createElement !== 'function' || typeof urls?.createObjectURL !== 'function') {
    throw new SinewError("save: 'downloads://' saves as browser downloads and needs a page (a window with a document); here use a directory path, 'indexeddb://name', toArtifacts() or a save handler");
  }
  const name = url.slice(SCHEME.length) || 'model'; // TF.js's default name
  const weightsName = `${name}.weights.bin`;
  const data = artifacts.weightData;
  const weights = new Blob(Array.isArray(data) ? data : [data], { type: 'application/octet-stream' });
  const json = new Blob([JSON.stringify(toModelJson(artifacts, `./${weightsName}`))], { type: 'application/json' });
  for (const [file, blob] of [[`${name}.json`, json], [weightsName, weights]] as const) {
    const href = urls.createObjectURL(blob);
    const anchor = doc.createElement('a') as Anchor;
    anchor.download = file;
    anchor.href = href;
    anchor.click();
    // A macrotask between the clicks: browsers drop a second download started in the same task.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The browser reads the blob after the click returns; give it time before freeing it.
    const timer = setTimeout(() => urls.revokeObjectURL?.(href), 60_000) as unknown as { unref?: () => void };
    timer.unref?.(); // Node with a stand-in document: the timer must not keep the process alive
  }
}
