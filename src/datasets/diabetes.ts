import { CSV, FEATURE_NAMES } from './data/diabetes.js';
import { parseLabelledCsv, type Dataset } from './dataset.js';

/**
 * Diabetes: 442 patients × 10 baseline measurements (unscaled: age, sex, BMI, blood pressure, six
 * serum values); target = disease progression one year later (25–346). Standardise before training.
 */
export function loadDiabetes(): Dataset {
  return {
    ...parseLabelledCsv(CSV),
    featureNames: [...FEATURE_NAMES],
    origin: 'Efron, Hastie, Johnstone, Tibshirani (2004), "Least Angle Regression", Annals of Statistics',
  };
}
