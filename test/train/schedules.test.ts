// Learning-rate schedules against Keras 3's formulas computed here by hand, training with one
// equals setting the same rates step by step, and a schedule survives save → load with exact resume.

import { describe, it, expect, beforeAll } from 'vitest';
import { Sequential, Dense, SGD, Adam, fromArtifacts, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay, CosineDecayRestarts } from '../../src/index.js';
import { backendFor, blobs, expectSameWeights, initWasm } from '../helpers/models.js';

beforeAll(initWasm);

describe('schedules (Keras 3 formulas)', () => {
  it('ExponentialDecay and InverseTimeDecay, smooth and staircase', () => {
    const e = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(e.at(0)).toBe(0.1);
    expect(e.at(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    expect(e.at(20)).toBeCloseTo(0.025, 15);
    expect(new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }).at(19)).toBeCloseTo(0.05, 15);
    const i = new InverseTimeDecay({ initialLearningRate: 1, decaySteps: 4, decayRate: 0.5 });
    expect(i.at(8)).toBeCloseTo(1 / (1 + 0.5 * 2), 15);
    expect(new InverseTimeDecay({ initialLearningRate: 1, decaySteps: 4, decayRate: 0.5, staircase: true }).at(7)).toBeCloseTo(1 / 1.5, 15);
  });

  it('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const p = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([0, 10, 11, 20, 21, 1000].map((s) => p.at(s))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => new PiecewiseConstantDecay({ boundaries: [10], values: [1] })).toThrow('PiecewiseConstantDecay: expected `values` to have one entry more than `boundaries`, received [1] and [10]');
  });

  it('PolynomialDecay with and without cycle', () => {
    const p = new PolynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0.1, power: 2 });
    expect(p.at(5)).toBeCloseTo(0.9 * 0.25 + 0.1, 15);
    expect(p.at(50)).toBeCloseTo(0.1, 15);
    const c = new PolynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0.1, cycle: true });
    expect(c.at(15)).toBeCloseTo(0.9 * (1 - 15 / 20) + 0.1, 15); // decay_steps · ceil(15/10) = 20
    expect(c.at(0)).toBe(1);
  });

  it('CosineDecay with Keras 3 warm-up, and CosineDecayRestarts', () => {
    const c = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    expect(c.at(50)).toBeCloseTo(0.1 * (0.9 * 0.5 + 0.1), 15);
    expect(c.at(500)).toBeCloseTo(0.01, 15);
    const w = new CosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.2, warmupSteps: 10 });
    expect(w.at(5)).toBeCloseTo(0.1, 15);
    expect(w.at(10)).toBeCloseTo(0.2, 15);
    expect(w.at(60)).toBeCloseTo(0.2 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), 15);
    const r = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 0.5 });
    expect(r.at(5)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.5)), 12);
    // Step 20: the second period (length 20) started at 10, half-way; its peak is mMul = 0.5.
    expect(r.at(20)).toBeCloseTo(0.5 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), 12);
  });
});

describe('training with a schedule', () => {
  const { x, oneHot } = blobs(16, 3, 2, 3);
  function model(optimizer: SGD | Adam): Sequential {
    const m = new Sequential({ seed: 4, backend: backendFor('js') });
    m.add(new Dense(2, { inputDim: 3, activation: 'softmax' }));
    m.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return m;
  }

  it('equals setting the schedule\'s rate before each step by hand; the rate of step t is at(t)', () => {
    const schedule = new ExponentialDecay({ initialLearningRate: 0.5, decaySteps: 2, decayRate: 0.3 });
    const scheduled = model(new SGD({ learningRate: schedule }));
    const manual = new SGD({ learningRate: 0.5 });
    const byHand = model(manual);
    for (let t = 0; t < 5; t++) {
      expect(scheduled.optimizer!.learningRate).toBe(schedule.at(t));
      manual.learningRate = schedule.at(t);
      scheduled.trainOnBatch(x, oneHot);
      byHand.trainOnBatch(x, oneHot);
    }
    expectSameWeights(scheduled, byHand, 'five steps');
    expect(() => (scheduled.optimizer!.learningRate = 1)).toThrow('SGD: the learning rate follows a ExponentialDecay schedule; it cannot be set by hand');
  });

  it('saves with the optimizer and resumes exactly; TF.js gets no trainingConfig (its optimizers take a constant rate)', async () => {
    const make = () => model(new Adam({ learningRate: new CosineDecay({ initialLearningRate: 0.05, decaySteps: 20, warmupTarget: 0.1, warmupSteps: 3 }) }));
    const straight = make();
    await straight.fit(x, oneHot, { epochs: 4, batchSize: 4, verbose: 0 });
    const first = make();
    await first.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    const artifacts = first.toArtifacts({ includeOptimizer: true });
    expect(artifacts.trainingConfig).toBeUndefined();
    const back = fromArtifacts(artifacts, { backend: backendFor('js') });
    expect(back.optimizer!.schedule?.getConfig()).toEqual(first.optimizer!.schedule?.getConfig());
    await back.fit(x, oneHot, { epochs: 2, batchSize: 4, verbose: 0 });
    expectSameWeights(back, straight, 'resumed with the schedule');
  });
});
