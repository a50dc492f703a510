import { describe, expect, it } from 'vitest';
import { joinJsonText } from './json-text';

describe('joinJsonText', () => {
  it('joins strings as a string, and any bytes among them as the bytes of the same text', () => {
    expect(joinJsonText(['{"a":', '"ü"', '}'])).toBe('{"a":"ü"}');
    const mixed = joinJsonText(['[', Buffer.from('{"k":"ü"}', 'utf8'), '{"k":2}', ']'], ',');
    expect(Buffer.isBuffer(mixed)).toBe(true);
    expect(mixed.toString()).toBe('[,{"k":"ü"},{"k":2},]');
    const one = Buffer.from('[1]');
    expect(joinJsonText([one], ',')).toBe(one);
    expect(joinJsonText([], ',')).toBe('');
  });
});
