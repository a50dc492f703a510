/** MLflow accepts the deprecated `run_uuid` wherever `run_id` is missing. */
import { invalidParameter } from '@loom/protocol';

/** The run id of a request, from `run_id` or `run_uuid`; missing is INVALID_PARAMETER_VALUE. */
export function runIdOf(req: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) {
    throw invalidParameter(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
  }
  return id;
}
