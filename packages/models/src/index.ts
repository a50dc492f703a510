/** Models: the MLmodel format, signatures, flavors (onnx, tfjs, js_function), model URIs and the scoring server. */
export {
  parseMLmodel,
  stringifyMLmodel,
  readMLmodel,
  writeMLmodel,
  type MLmodel,
  type FlavorConfig,
} from './mlmodel';
export {
  parseSignature,
  storeSignature,
  parseSchema,
  column,
  tensor,
  type Signature,
  type Schema,
  type ColumnSpec,
  type TensorSpec,
  type ParamSpec,
} from './signature';
export { enforceInput, enforceParams } from './enforce';
export type { ModelInput, NdArray, DataFrame } from './model-input';
export type { InputExample } from './model-files';
export { loadModel, loadModelDir, chooseFlavor, type Model } from './load-model';
export { saveOnnxModel, ONNXRUNTIME_NODE_VERSION, type SaveOnnxOptions } from './flavors/onnx-save';
export {
  saveTfjsModel,
  TFJS_DATA_DIR,
  type SaveTfjsOptions,
  type SavableTfjsModel,
  type TfjsModelSource,
} from './flavors/tfjs-save';
export { TFJS_VERSION, TFJS_PACKAGES, loadTfjs } from './flavors/tfjs-runtime';
export { directoryLoader, directorySaver } from './flavors/tfjs-io';
export { saveJsFunctionModel, type SaveJsFunctionOptions } from './flavors/js-function';
export { parseModelUri, type ModelUri } from './uri/model-uri';
export { downloadModel, REGISTERED_MODEL_META_FILE, type DownloadOptions } from './uri/download-model';
export { parseJsonRequest, parseCsvRequest, type ScoringRequest } from './serve/parse-request';
export {
  scoringHandler,
  startScoringServer,
  predictionFailure,
  type ScoringOptions,
  type RunningScoringServer,
} from './serve/scoring-server';
export {
  predictInChunks,
  inputRows,
  sliceInput,
  joinPredictions,
  type ChunkOptions,
} from './batch/predict-in-chunks';
export { predictionsCsv, predictionsTable } from './batch/predictions-csv';
export { logModel, type LogModelArgs, type LoggedModel, type ModelSource } from './log-model';
export {
  inferSignature,
  inferSchema,
  inferParams,
  toInputExample,
  type ExampleData,
} from './infer-signature';
export { getModelInfo, validateServingInput, type ModelInfo } from './model-info';
