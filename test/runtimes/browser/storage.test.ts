// Saving in a page: model.save('indexeddb://…') and loadModel('indexeddb://…') in Chromium, with the
// optimizer state, so training resumes exactly after the page reloads the model.

import { expect, it } from 'vitest';
import * as sinew from '../../../src/entry/browser.js';

const x = [[0.1, 0.9, -0.3], [0.5, -0.2, 0.8], [-0.7, 0.4, 0.1], [0.3, 0.3, -0.9], [0.9, -0.5, 0.2], [-0.2, -0.8, 0.6]];
const y = [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]];

function model(): sinew.Sequential {
  const m = new sinew.Sequential({ seed: 12 });
  m.add(new sinew.Dense(6, { inputDim: 3, activation: 'relu' }));
  m.add(new sinew.Dropout(0.2));
  m.add(new sinew.Dense(2, { activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return m;
}

it('IndexedDB: save, load, predict the same, and resume training exactly (2 + 2 epochs = 4)', async () => {
  await sinew.init();
  const straight = model();
  await straight.fit(x, y, { epochs: 4, batchSize: 2, verbose: 0 });

  const first = model();
  await first.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
  await first.save('indexeddb://storage-test', { includeOptimizer: true });
  const loaded = await sinew.loadModel('indexeddb://storage-test');
  expect(loaded.predict(x).data).toEqual(first.predict(x).data);
  await loaded.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
  expect(loaded.getWeights()).toEqual(straight.getWeights());
});

it('IndexedDB: a name never saved is a clear error', async () => {
  await expect(sinew.loadModel('indexeddb://never-saved')).rejects.toThrow("loadModel: no model named 'never-saved' in IndexedDB (save one with model.save('indexeddb://never-saved'))");
  await expect(model().save('indexeddb://')).rejects.toThrow("save: expected a name after 'indexeddb://', such as 'indexeddb://my-model', received 'indexeddb://'");
});
