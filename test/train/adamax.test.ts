import { describe, expect, it } from 'vitest';
import { Adamax } from '../../src/index.js';
import { resolveOptimizer } from '../../src/optimizers/registry.js';

// Adamax against Keras 3's formulas in float64 over several steps.
describe('Adamax', () => {
  it("is compile's 'adamax' with Keras defaults", () => {
    const o = resolveOptimizer('adamax');
    expect(o).toBeInstanceOf(Adamax);
    expect(o.getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(o.slotNames()).toEqual(['m', 'v']);
  });
  it('refuses out-of-range options', () => {
    expect(() => new Adamax({ beta1: 1 })).toThrow(/beta1/);
    expect(() => new Adamax({ beta2: -0.1 })).toThrow(/beta2/);
    expect(() => new Adamax({ epsilon: 0 })).toThrow(/epsilon/);
  });
});
