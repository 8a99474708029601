// What every loader returns, and the CSV parsing they share.

import type { Matrix } from '../matrix.js';

export interface Dataset {
  /** Features, one row per sample. */
  x: Matrix;
  /** Targets as one column: class ids (0, 1, …) for classification, values for regression. */
  y: Matrix;
  /** Class names in id order (classification data sets only). */
  classNames?: string[];
  featureNames?: string[];
  /** Where the data come from (authors, year, archive, licence). */
  origin: string;
}

/** Parses comma-separated numeric rows whose last column is the target. */
export function parseLabelledCsv(csv: string): { x: Matrix; y: Matrix } {
  const rows = csv.split('\n');
  const width = rows[0].split(',').length - 1;
  const x = new Float32Array(rows.length * width);
  const y = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    const cells = row.split(',');
    for (let j = 0; j < width; j++) x[i * width + j] = Number(cells[j]);
    y[i] = Number(cells[width]);
  });
  return { x: { data: x, shape: [rows.length, width] }, y: { data: y, shape: [rows.length, 1] } };
}
