/** Projects: MLproject files, their sources, environments and the process that runs them. */
export * from './mlproject';
export * from './parameters';
export * from './shell-quote';
export * from './source';
export * from './environments';
export * from './project-process';
export * from './backends/kubernetes';
