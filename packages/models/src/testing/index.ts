/** Test and benchmark fixtures: ONNX graphs built in code and the model directories around them. */
export * from './onnx-graphs';
export * from './model-dirs';
export * from './tfjs-models';
