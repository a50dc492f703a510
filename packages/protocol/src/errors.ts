/** MLflow's error codes (databricks.proto `ErrorCode`), serialised by name. */
export const ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400, // MLflow answers 400 here, not 409
  INVALID_STATE_TRANSITION: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  IO_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP status MLflow uses for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return ERROR_STATUS[code] ?? 500;
}

/** The one error type of Loom: an MLflow error code and a human message. */
export class LoomError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LoomError';
    this.code = code;
  }

  /** The status this error is answered with over HTTP. */
  get httpStatus(): number {
    return httpStatusFor(this.code);
  }

  /** MLflow's wire shape of an error. */
  toJSON(): ErrorBody {
    return { error_code: this.code, message: this.message };
  }
}

/** MLflow's JSON error body. */
export interface ErrorBody {
  error_code: string;
  message: string;
}

/** Shorthand constructors for the codes the domain raises most. */
export const invalidParameter = (message: string): LoomError =>
  new LoomError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string): LoomError => new LoomError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string): LoomError =>
  new LoomError('RESOURCE_ALREADY_EXISTS', message);

/** True when `code` is one of MLflow's error code names. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}
