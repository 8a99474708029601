// Runs a TypeScript entry point (demo, benchmarks) with tsx, adding --experimental-wasm-relaxed-simd
// on Node < 22 so the relaxed-SIMD (FMA) kernels load there too. Node ≥ 22 has relaxed SIMD on by
// default and rejects the flag, hence the check.
// Usage: node scripts/run.mjs <file.ts> [args…]
import { spawnSync } from 'node:child_process';

const major = Number(process.versions.node.split('.')[0]);
const flags = major < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run.mjs <file.ts> [args…]');
  process.exit(2);
}
const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', file, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
