// The one data shape that crosses the public API: a dense row-major float32 matrix, [rows, cols],
// whose shape continues for samples of rank > 1 ([n, 28, 28]: each row holds one sample row-major).
// Users may also pass nested arrays (converted, with validation, by the training and prediction
// entry points).

/** A row-major matrix: row i, column j is data[i * shape[1] + j] (rows of Π shape[1…] values for rank > 2). */
export interface Matrix {
  data: Float32Array;
  shape: [rows: number, cols: number, ...more: number[]];
}
