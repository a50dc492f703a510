import { type LoomError } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import { decodeCursorToken, decodePageToken, encodeCursorToken, encodePageToken } from './page-token';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function messageOf(token: string): string {
  try {
    decodePageToken(token);
  } catch (err) {
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as LoomError).message;
  }
  throw new Error(`decoded without error: ${token}`);
}

describe('page tokens', () => {
  it("encode exactly as MLflow's Python does", () => {
    expect(encodePageToken(100)).toBe('eyJvZmZzZXQiOiAxMDB9'); // base64('{"offset": 100}')
  });

  it('round-trip', () => {
    for (const offset of [1, 25, 1000, 2 ** 40])
      expect(decodePageToken(encodePageToken(offset))).toBe(offset);
  });

  it('decode an absent or empty token as offset 0', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it('accept compact JSON, URL-safe base64, missing padding and integer strings', () => {
    expect(decodePageToken(b64('{"offset":7}'))).toBe(7);
    expect(decodePageToken(b64('{"offset": 7}').replace(/=+$/, ''))).toBe(7);
    expect(decodePageToken(b64('{"offset": "12"}'))).toBe(12);
    expect(decodePageToken(Buffer.from('{"offset": 62}').toString('base64url'))).toBe(62);
  });

  it('reject text that is not base64', () => {
    for (const token of ['not base64!', '%%%', 'abcde', 'ab=c']) {
      expect(messageOf(token)).toBe('Invalid page token, could not base64-decode');
    }
  });

  it('reject base64 that is not JSON', () => {
    expect(messageOf(b64('offset=5'))).toBe('Invalid page token, decoded value=offset=5');
  });

  it('reject a missing, zero, negative or non-integer offset', () => {
    for (const json of [
      '{}',
      '{"offset": 0}',
      '{"offset": -3}',
      '{"offset": 1.5}',
      '{"offset": "x"}',
      '[]',
      'null',
      '5',
    ]) {
      expect(messageOf(b64(json))).toBe(`Invalid page token, parsed value=${json}`);
    }
  });
});

describe('cursor tokens', () => {
  it('carry a key ending on ±Infinity (a metric value) through JSON', () => {
    for (const after of [
      [3, 1000, 0, Infinity],
      [3, 1000, 0, -Infinity],
      [-5, 0, 1, 0.5],
    ]) {
      expect(decodeCursorToken(encodeCursorToken(7, after), 4)).toEqual({ offset: 7, after });
    }
  });

  it('reject a key of the wrong width or with anything but numbers', () => {
    for (const after of ['[1, 2, 3]', '[1, 2, 3, null]', '[1, 2, 3, "NaN"]', '[1, 2, 3, "x"]', '"1234"']) {
      expect(() => decodeCursorToken(b64(`{"offset": 7, "after": ${after}}`), 4)).toThrow(
        'Invalid page token, bad cursor',
      );
    }
  });
});
