/** The Loom release and the MLflow API version it speaks (what `/version` reports to clients). */
export const LOOM_VERSION = '0.1.0';
export const MLFLOW_COMPAT_VERSION = '3.6.0';
