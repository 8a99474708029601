// summary(): Keras 3's table of layers (name and type, output shape, parameter count) and the
// totals with their memory, split into trainable and non-trainable parameters.

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
}

const WIDTHS = [33, 24, 15];

/** Keras's readable_memory_size: 1024-based units, two decimals. */
function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** `trainable`: how many of the parameters fit trains (the rest are state or frozen). Parameters are float32. */
export function formatSummary(modelName: string, rows: readonly SummaryRow[], trainable?: number): string {
  const rule = (l: string, m: string, r: string, c: string) => l + WIDTHS.map((w) => c.repeat(w)).join(m) + r;
  const cells = (edge: string, values: [string, string, string]) =>
    edge + values.map((v, i) => ` ${i === 2 ? v.padStart(WIDTHS[i] - 2) : v.padEnd(WIDTHS[i] - 2)} `).join(edge) + edge;
  const out = [`Model: "${modelName}"`, rule('┏', '┳', '┓', '━'), cells('┃', ['Layer (type)', 'Output Shape', 'Param #']), rule('┡', '╇', '┩', '━')];
  rows.forEach((r, i) => {
    out.push(cells('│', [`${r.name} (${r.type})`, r.outputShape, count(r.params)]));
    if (i < rows.length - 1) out.push(rule('├', '┼', '┤', '─'));
  });
  out.push(rule('└', '┴', '┘', '─'));
  const total = rows.reduce((s, r) => s + r.params, 0);
  const t = trainable ?? total;
  out.push(` Total params: ${count(total)} (${bytes(4 * total)})`, ` Trainable params: ${count(t)} (${bytes(4 * t)})`, ` Non-trainable params: ${count(total - t)} (${bytes(4 * (total - t))})`);
  return out.join('\n');
}
