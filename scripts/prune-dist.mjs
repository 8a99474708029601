// After `tsc`: removes the files in dist/ that no module of src/ produces any more (a module deleted
// or renamed since an earlier build, source maps of builds that made them), so that what `npm pack`
// ships from dist/ is exactly what this build compiled. Only orphans go: a concurrent run reading
// dist/ never loses a file it can import.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const removed = [];
for (const entry of readdirSync(dist, { withFileTypes: true, recursive: true })) {
  if (!entry.isFile()) continue;
  const file = join(entry.parentPath, entry.name);
  const output = /^(.*)\.(?:js|d\.ts)$/.exec(relative(dist, file));
  if (output && existsSync(join(root, 'src', `${output[1]}.ts`))) continue;
  rmSync(file);
  removed.push(relative(root, file));
}
if (removed.length > 0) {
  const shown = removed.slice(0, 5).join(', ') + (removed.length > 5 ? `, … (${removed.length - 5} more)` : '');
  console.log(`removed ${removed.length} file(s) of dist/ that no module of src/ produces: ${shown}`);
}
