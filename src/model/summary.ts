// summary(): a Keras-like table of layers (name and type, output shape, parameter count) and totals.

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
}

export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const w = [29, 26, 10];
  const rule = (c: string) => c.repeat(w[0] + w[1] + w[2] + 2);
  const line = (a: string, b: string, c: string) => ` ${a.padEnd(w[0])}${b.padEnd(w[1])}${c}`.trimEnd();
  const out = [`Model: "${modelName}"`, rule('_'), line('Layer (type)', 'Output Shape', 'Param #'), rule('=')];
  rows.forEach((r, i) => {
    out.push(line(`${r.name} (${r.type})`, r.outputShape, String(r.params)));
    if (i < rows.length - 1) out.push('');
  });
  const total = rows.reduce((s, r) => s + r.params, 0);
  out.push(rule('='), `Total params: ${total}`, `Trainable params: ${total}`, 'Non-trainable params: 0', rule('_'));
  return out.join('\n');
}
