// The two shapes a saved model takes, both TF.js's: in memory, ModelArtifacts { modelTopology,
// weightSpecs, weightData, … } (what tf.io handlers pass around, and what browsers and workers hand
// to their own storage); on disk, model.json (the same fields, with the specs in a weightsManifest
// naming the weight files) beside the weight bytes.

import type { Untrusted } from './untrusted.js';
import type { WeightSpec } from './weights.js';

/** A saved model in memory (TF.js `ModelArtifacts`, layers-model format). */
export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** The tensors of weightSpecs, in order, little-endian; TF.js may also hand a list of buffers. */
  weightData: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** TF.js's compile record. */
  trainingConfig?: TrainingConfig;
  /** Free-form metadata (values not null, as TF.js has it); sinew keeps its exact training state under `sinew`. */
  userDefinedMetadata?: { [key: string]: object | string | number | boolean };
}

/** TF.js's compile record, as its TrainingConfig type spells it (so TF.js handlers accept sinew's artifacts). */
export interface TrainingConfig {
  optimizer_config: { class_name: string; config: Record<string, unknown> };
  loss: string | string[] | { [output: string]: string };
  metrics?: string[] | { [output: string]: string };
  weighted_metrics?: string[];
  sample_weight_mode?: string;
  loss_weights?: number[] | { [output: string]: number };
}

/** model.json as TF.js writes it. */
export interface ModelJson {
  format: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  trainingConfig?: TrainingConfig;
  userDefinedMetadata?: { [key: string]: object | string | number | boolean };
}

/** The model.json of artifacts whose weights are stored in one file, `weightsPath`. */
export function toModelJson(a: ModelArtifacts, weightsPath: string): ModelJson {
  const json: ModelJson = {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs }],
  };
  if (a.trainingConfig) json.trainingConfig = a.trainingConfig;
  if (a.userDefinedMetadata) json.userDefinedMetadata = a.userDefinedMetadata;
  return json;
}

/** The weight files a model.json names, in order, and its specs concatenated (checked later, with the data). */
export function readManifest(json: Untrusted): { paths: string[]; specs: unknown[]; specsName: string } {
  json.object('a model.json object');
  const paths: string[] = [];
  const specs: unknown[] = [];
  const groups = json.get('weightsManifest').array(1000, 'an array of { paths, weights } groups');
  for (const group of groups) {
    group.object();
    for (const p of group.get('paths').array(1000, 'an array of file names')) paths.push(p.string(1024));
    const weights = group.get('weights');
    weights.array(100_000, 'an array of weight specs');
    specs.push(...(weights.value as unknown[]));
  }
  // How errors name the specs: exactly, for the usual single group.
  const specsName = groups.length === 1 ? 'weightsManifest[0].weights' : 'weightsManifest[*].weights (all groups in order)';
  return { paths, specs, specsName };
}
