import { describe, expect, it } from 'vitest';
import { runIdOfSource, sourceRunId } from './source-run';

describe('source runs', () => {
  it('reads the run of a runs:/ URI and prefers an explicit run_id', () => {
    expect(runIdOfSource('runs:/abc123/model')).toBe('abc123');
    expect(runIdOfSource(' runs:/abc123 ')).toBe('abc123');
    expect(runIdOfSource('mlflow-artifacts:/1/abc/artifacts/model')).toBeUndefined();
    expect(sourceRunId({ run_id: 'x', source: 'runs:/y/model' })).toBe('x');
    expect(sourceRunId({ run_id: '', source: 'runs:/y/model' })).toBe('y');
    expect(sourceRunId({ source: 's3://bucket/model' })).toBeUndefined();
  });
});
