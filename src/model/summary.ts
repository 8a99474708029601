// summary(): a Keras-like table of layers (name and type, output shape, parameter count) and totals,
// split into trainable and non-trainable parameters as Keras prints them.

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
}

/** `trainable`: how many of the parameters fit trains (the rest are state or frozen). */
export function formatSummary(modelName: string, rows: readonly SummaryRow[], trainable?: number): string {
  const w = [29, 26, 10];
  const rule = (c: string) => c.repeat(w[0] + w[1] + w[2] + 2);
  const line = (a: string, b: string, c: string) => ` ${a.padEnd(w[0])}${b.padEnd(w[1])}${c}`.trimEnd();
  const out = [`Model: "${modelName}"`, rule('_'), line('Layer (type)', 'Output Shape', 'Param #'), rule('=')];
  rows.forEach((r, i) => {
    out.push(line(`${r.name} (${r.type})`, r.outputShape, String(r.params)));
    if (i < rows.length - 1) out.push('');
  });
  const total = rows.reduce((s, r) => s + r.params, 0);
  const t = trainable ?? total;
  out.push(rule('='), `Total params: ${total}`, `Trainable params: ${t}`, `Non-trainable params: ${total - t}`, rule('_'));
  return out.join('\n');
}
