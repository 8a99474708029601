// Small real data sets shipped inside the package (see each loader for its origin), and the few
// helpers needed to train on them (reading data in every form fit accepts).
export type { Dataset } from './dataset.js';
export { loadIris } from './iris.js';
export { loadBreastCancer } from './breast_cancer.js';
export { loadDigits } from './digits.js';
export { loadDiabetes } from './diabetes.js';
export { toOneHot, takeRows } from './prepare.js';
export { trainTestSplit, type Split, type SplitOptions } from './split.js';
export { standardize, StandardScaler, type Standardized } from './scaler.js';
