import { describe, expect, it } from 'vitest';
import { describeChange } from './audit-change';

describe('describeChange', () => {
  it('lists only the fields that changed', () => {
    expect(
      describeChange({ current_stage: 'None' }, { current_stage: 'Production', archived_versions: ['1'] }),
    ).toBe('current_stage: None → Production; archived_versions: ∅ → ["1"]');
    expect(describeChange({ description: 'a', k: 1 }, { description: 'b', k: 1 })).toBe('description: a → b');
  });

  it('says created or removed when one side is absent', () => {
    expect(describeChange(undefined, { alias: 'champion', version: '2' })).toBe(
      'created alias=champion, version=2',
    );
    expect(describeChange({ key: 't', value: 'x' }, undefined)).toBe('removed key=t, value=x');
    expect(describeChange(undefined, undefined)).toBe('');
  });
});
