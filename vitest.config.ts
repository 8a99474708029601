import { defineConfig } from 'vitest/config';

// The relaxed-SIMD build is refused by Node 20 unless --experimental-wasm-relaxed-simd is given
// (Node ≥ 22 enables it by default and rejects the flag). The flag works only in forked workers.
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    execArgv: nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
    testTimeout: 60_000,
  },
});
