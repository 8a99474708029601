import { CLASS_NAMES, CSV } from './data/iris.js';
import { parseLabelledCsv, type Dataset } from './dataset.js';

/** Fisher's Iris: 150 flowers × 4 measurements (cm), 3 species (setosa, versicolor, virginica). */
export function loadIris(): Dataset {
  return {
    ...parseLabelledCsv(CSV),
    classNames: [...CLASS_NAMES],
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    origin: 'Fisher (1936); UCI Machine Learning Repository, Iris; CC BY 4.0',
  };
}
