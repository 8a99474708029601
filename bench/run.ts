// `npm run bench`: runs the kernel suites bench/*.bench.ts (all but train.bench.ts, which is
// `npm run bench:train` and takes ~10 minutes; name it to include it), one after another, each in its own Node process (a
// fresh JIT and heap per suite, so one suite's warm-up or garbage does not time another's), with
// this process's flags (--experimental-wasm-relaxed-simd, --import tsx) and the arguments given.
// Usage: npm run bench [-- --quick] [-- <name>…]   names select files by substring, e.g. `matmul`.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (names.length === 0 ? f !== 'train.bench.ts' : names.some((n) => f.includes(n))))
  .sort();
if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches ${names.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file} ${flags.join(' ')}`.trimEnd());
  const result = spawnSync(process.execPath, [...process.execArgv, `${dir}${file}`, ...flags], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
