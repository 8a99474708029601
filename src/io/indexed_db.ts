// `indexeddb://<name>`: saving to and loading from the browser's IndexedDB (pages and workers), as
// TF.js's URL scheme of the same name does, without TF.js. One record per name in the object store
// 'models' of the database 'sinew': the artifacts as saved, weightData as one ArrayBuffer. What comes
// back is checked like any other model file (load.ts), since storage can be edited by other code.

import type { ModelArtifacts } from './artifacts.js';
import { SinewError } from '../errors.js';

const SCHEME = 'indexeddb://';
const DATABASE = 'sinew';
const STORE = 'models';

export function isIndexedDbUrl(target: string): boolean {
  return target.toLowerCase().startsWith(SCHEME);
}

/** The model's name in the URL; throws when there is none. */
function nameOf(owner: string, url: string): string {
  const name = url.slice(SCHEME.length);
  if (name === '') throw new SinewError(`${owner}: expected a name after 'indexeddb://', such as 'indexeddb://my-model', received '${url}'`);
  return name;
}

function database(owner: string): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new SinewError(`${owner}: 'indexeddb://' needs IndexedDB (browsers and their workers); here use a directory path, toArtifacts() or a save handler`);
  return new Promise((resolve, reject) => {
    const request = idb.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new SinewError(`${owner}: could not open IndexedDB database '${DATABASE}': ${request.error?.message ?? 'unknown error'}`));
  });
}

/** Runs one request in a transaction and resolves when the transaction has committed. */
async function transact<T>(owner: string, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database(owner);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(new SinewError(`${owner}: IndexedDB ${mode} failed: ${(tx.error ?? request.error)?.message ?? 'aborted'}`));
    });
  } finally {
    db.close();
  }
}

/** Stores the artifacts under the URL's name (replacing an earlier save of that name in one transaction). */
export async function saveToIndexedDb(url: string, artifacts: ModelArtifacts): Promise<void> {
  const name = nameOf('save', url);
  await transact('save', 'readwrite', (store) => store.put({ name, artifacts, dateSaved: new Date().toISOString() }));
}

/** The stored artifacts (to be checked by the loader like any file). */
export async function loadFromIndexedDb(url: string): Promise<unknown> {
  const name = nameOf('loadModel', url);
  const record = await transact<unknown>('loadModel', 'readonly', (store) => store.get(name));
  if (record === undefined) throw new SinewError(`loadModel: no model named '${name}' in IndexedDB (save one with model.save('indexeddb://${name}'))`);
  return (record as { artifacts?: unknown }).artifacts;
}
