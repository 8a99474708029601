import { CLASS_NAMES, CSV } from './data/breast_cancer.js';
import { parseLabelledCsv, type Dataset } from './dataset.js';

/** Breast Cancer Wisconsin (Diagnostic): 569 tumours × 30 features; 0 = malignant (212), 1 = benign (357). */
export function loadBreastCancer(): Dataset {
  return {
    ...parseLabelledCsv(CSV),
    classNames: [...CLASS_NAMES],
    origin: 'Wolberg, Street, Mangasarian (1995); UCI Machine Learning Repository, Breast Cancer Wisconsin (Diagnostic); CC BY 4.0',
  };
}
