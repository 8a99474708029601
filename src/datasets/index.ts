// Small real data sets shipped inside the package (see each loader for its origin), and the few
// helpers needed to train on them.
export type { Dataset } from './dataset.js';
export { loadIris } from './iris.js';
export { loadBreastCancer } from './breast_cancer.js';
export { loadDigits } from './digits.js';
export { loadDiabetes } from './diabetes.js';
export { toOneHot, takeRows, trainTestSplit, standardize, type Split } from './prepare.js';
