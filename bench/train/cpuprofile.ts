// Summarises a V8 .cpuprofile (from node --cpu-prof) by function: self time and share, biggest
// first, with the file each function lives in. WebAssembly functions appear under their export
// or name-section names. Optional --since=<ms> skips the start (data generation, compilation).
//
// Usage: node --import tsx bench/train/cpuprofile.ts <file.cpuprofile> [--top=30] [--since=ms]

import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx bench/train/cpuprofile.ts <file.cpuprofile> [--top=30] [--since=ms]');
  process.exit(2);
}
const opt = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const top = opt('top', 30);
const sinceUs = opt('since', 0) * 1000;

const watFile = process.argv.find((a) => a.startsWith('--wat='))?.slice(6);
const wasmNames = watFile ? [...readFileSync(watFile, 'utf8').matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]) : [];
const wasmName = (fn: string): string => {
  const m = /^wasm-function\[(\d+)\]$/.exec(fn);
  return m && wasmNames[Number(m[1])] ? `wasm ${wasmNames[Number(m[1])]}` : fn;
};

const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let total = 0;
let t = 0;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i];
  if (t < sinceUs) continue;
  const dt = prof.timeDeltas[i + 1] ?? 0; // a sample's weight: time until the next sample
  const n = byId.get(prof.samples[i])!;
  const f = n.callFrame;
  const where = f.url ? `${path.relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
  const key = `${wasmName(f.functionName) || '(anonymous)'}\t${f.url.startsWith('wasm:') ? 'wasm' : where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  total += dt;
}
const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${(total / 1e6).toFixed(2)} s of samples${sinceUs ? ` after ${sinceUs / 1000} ms` : ''}`);
console.log('| self ms | share | function | where |');
console.log('|---:|---:|---|---|');
for (const [key, us] of rows) {
  const [fn, where] = key.split('\t');
  console.log(`| ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} % | ${fn} | ${where} |`);
}
