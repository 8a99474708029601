// The one data shape that crosses the public API: a dense row-major float32 matrix. Users may also
// pass number[][] (converted, with validation, by the training and prediction entry points).

/** A row-major matrix: row i, column j is data[i * shape[1] + j]. */
export interface Matrix {
  data: Float32Array;
  shape: [rows: number, cols: number];
}
