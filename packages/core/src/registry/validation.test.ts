import type { LoomError } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import {
  canonicalStage,
  parseModelVersion,
  validateAlias,
  validateModelName,
  validateRegisteredModelTag,
} from './validation';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as LoomError).message;
  }
  throw new Error('no error');
}

describe('registry validation', () => {
  it('parses versions as Python int() does', () => {
    expect(parseModelVersion('3')).toBe(3);
    expect(parseModelVersion(' 7 ')).toBe(7);
    expect(parseModelVersion('+2')).toBe(2);
    expect(messageOf(() => parseModelVersion('1.0'))).toBe(
      "Parameter 'version' must be an integer, got '1.0'.",
    );
    expect(messageOf(() => parseModelVersion(''))).toBe("Parameter 'version' must be an integer, got ''.");
  });

  it('canonicalises stages case-insensitively', () => {
    expect(canonicalStage('none')).toBe('None');
    expect(canonicalStage('STAGING')).toBe('Staging');
    expect(canonicalStage('production')).toBe('Production');
    expect(canonicalStage('archived')).toBe('Archived');
    expect(messageOf(() => canonicalStage('Deleted_Internal'))).toBe(
      'Invalid Model Version stage: Deleted_Internal. Value must be one of None, Staging, Production, Archived.',
    );
  });

  it('checks alias names, reserved ones only when setting', () => {
    expect(validateAlias('champion-1_x', true)).toBe('champion-1_x');
    expect(validateAlias('v1', false)).toBe('v1');
    expect(validateAlias('latest', false)).toBe('latest');
    expect(messageOf(() => validateAlias('', true))).toBe('Registered model alias name cannot be empty.');
    expect(messageOf(() => validateAlias('a b', true))).toBe(
      "Invalid alias name: 'a b'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
    );
    expect(messageOf(() => validateAlias('LaTeSt', true))).toBe(
      "'latest' alias name (case insensitive) is reserved.",
    );
    expect(messageOf(() => validateAlias('V10', true))).toBe("Version alias name 'V10' is reserved.");
    expect(messageOf(() => validateAlias('a'.repeat(256), true))).toContain('exceeded length limit of 255');
  });

  it('checks model names and tags', () => {
    expect(messageOf(() => validateModelName(''))).toBe('Registered model name cannot be empty.');
    expect(messageOf(() => validateModelName('n'.repeat(257)))).toContain('exceeded length limit of 256');
    expect(validateRegisteredModelTag({ key: 'k', value: '' })).toEqual({ key: 'k', value: '' });
    expect(messageOf(() => validateRegisteredModelTag({ key: 'k' }))).toBe('Tag value cannot be None');
    expect(messageOf(() => validateRegisteredModelTag({ key: 'a/../b', value: 'v' }))).toContain(
      "Invalid tag name: 'a/../b'",
    );
  });
});
