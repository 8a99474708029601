// ModelCheckpoint: saves at each epoch end (or only on improvement), Keras path fields, and a
// checkpoint taken inside fit resumes to exactly the weights the uninterrupted run reached.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense, Dropout, loadModel, ModelCheckpoint, Sequential, type ModelArtifacts } from '../../src/index.js';
import { formatCheckpointPath } from '../../src/api/model_checkpoint.js';
import { blobs, initWasm } from '../helpers/models.js';

beforeAll(initWasm);
const dir = mkdtempSync(join(tmpdir(), 'sinew-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = blobs(80, 5, 3, 4);

function model(): Sequential {
  const m = new Sequential({ seed: 21 });
  m.add(new Dense(12, { inputDim: 5, activation: 'tanh' }));
  m.add(new Dropout(0.2));
  m.add(new Dense(3, { activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('ModelCheckpoint', () => {
  it('saves every epoch to a path with {epoch:02d}; the epoch-2 checkpoint resumes to the final weights exactly', async () => {
    const m = model();
    const cb = new ModelCheckpoint(join(dir, 'run-{epoch:02d}'));
    await m.fit(data.x, data.oneHot, { epochs: 4, batchSize: 16, verbose: 0, callbacks: [cb] });
    expect(readdirSync(dir).filter((f) => f.startsWith('run-')).sort()).toEqual(['run-01', 'run-02', 'run-03', 'run-04']);
    expect(cb.lastSaved).toBe(join(dir, 'run-04'));

    const resumed = await loadModel(join(dir, 'run-02'));
    await resumed.fit(data.x, data.oneHot, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(resumed.getWeights()).toEqual(m.getWeights());
    const last = await loadModel(join(dir, 'run-04', 'model.json'));
    expect(last.getWeights()).toEqual(m.getWeights());
  });

  it('saveBestOnly saves exactly the epochs whose val_loss improved', async () => {
    const m = model();
    const saved: number[] = [];
    let epoch = 0;
    const cb = new ModelCheckpoint((_artifacts: ModelArtifacts) => void saved.push(epoch), { saveBestOnly: true });
    const history = await m.fit(data.x, data.oneHot, {
      epochs: 8, batchSize: 16, verbose: 0, validationSplit: 0.25,
      callbacks: [{ onEpochBegin: (e) => void (epoch = e) }, cb],
    });
    const expected: number[] = [];
    let best = Infinity;
    history.history.val_loss.forEach((v, e) => {
      if (v < best) {
        best = v;
        expected.push(e);
      }
    });
    expect(saved).toEqual(expected);
    expect(cb.best).toBe(best);
  });

  it('fills Keras path fields from the epoch (1-based) and the logs', () => {
    expect(formatCheckpointPath('ck/{epoch:03d}-{val_loss:.3f}', 7, { val_loss: 0.123456 })).toBe('ck/007-0.123');
    expect(formatCheckpointPath('ck/{epoch}', 12, {})).toBe('ck/12');
    expect(() => formatCheckpointPath('ck/{val_acc:.2f}', 1, { loss: 1 })).toThrow('ModelCheckpoint: the path field `{val_acc}` is not in the logs (available: epoch, loss)');
  });

  it('checks its options', () => {
    expect(() => new ModelCheckpoint('')).toThrow("ModelCheckpoint: expected `target` to be a directory path (may hold fields such as {epoch:02d}), a function or a save handler, received ''");
    expect(() => new ModelCheckpoint('x', { saveBest: true } as never)).toThrow('ModelCheckpoint: unknown option `saveBest`; did you mean `saveBestOnly`?');
    expect(() => new ModelCheckpoint('x', { mode: 'up' as never })).toThrow("ModelCheckpoint: expected `mode` to be 'auto', 'min' or 'max', received 'up'");
  });
});
