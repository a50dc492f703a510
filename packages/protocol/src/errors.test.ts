import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, LoomError, httpStatusFor, isErrorCode } from './errors';

describe('error codes', () => {
  it('maps MLflow codes to MLflow statuses (RESOURCE_ALREADY_EXISTS is 400)', () => {
    expect(httpStatusFor('RESOURCE_ALREADY_EXISTS')).toBe(400);
    expect(httpStatusFor('INVALID_PARAMETER_VALUE')).toBe(400);
    expect(httpStatusFor('RESOURCE_DOES_NOT_EXIST')).toBe(404);
    expect(httpStatusFor('PERMISSION_DENIED')).toBe(403);
    expect(httpStatusFor('UNAUTHENTICATED')).toBe(401);
    expect(httpStatusFor('REQUEST_LIMIT_EXCEEDED')).toBe(429);
    expect(httpStatusFor('NOT_IMPLEMENTED')).toBe(501);
    expect(httpStatusFor('TEMPORARILY_UNAVAILABLE')).toBe(503);
    expect(Object.keys(ERROR_STATUS).every(isErrorCode)).toBe(true);
    expect(isErrorCode('NOPE')).toBe(false);
  });

  it('serialises to MLflow’s error body', () => {
    const err = new LoomError('RESOURCE_DOES_NOT_EXIST', 'Run with id=x not found');
    expect(JSON.stringify(err)).toBe(
      '{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run with id=x not found"}',
    );
    expect(err.httpStatus).toBe(404);
  });
});
