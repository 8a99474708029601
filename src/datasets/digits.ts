import { ROWS } from './data/digits.js';
import type { Dataset } from './dataset.js';

/** Handwritten digits: 1797 images of 8×8 pixels (values 0–16), labels 0–9. */
export function loadDigits(): Dataset {
  const rows = ROWS.split('\n');
  const x = new Float32Array(rows.length * 64);
  const y = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    for (let j = 0; j < 64; j++) x[i * 64 + j] = row.charCodeAt(j) - 97; // 'a' + pixel value
    y[i] = Number(row.slice(64));
  });
  return {
    x: { data: x, shape: [rows.length, 64] },
    y: { data: y, shape: [rows.length, 1] },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    origin: 'Alpaydin & Kaynak (1998); UCI Machine Learning Repository, Optical Recognition of Handwritten Digits (test set); CC BY 4.0',
  };
}
