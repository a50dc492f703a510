import { describe, expect, it } from 'vitest';
import { checkFilter } from './filter-check';

describe('checkFilter', () => {
  it('passes well-formed filters, whatever the server will think of their keys', () => {
    expect(checkFilter("params.optimizer = 'adam' and metrics.loss < 0.5")).toBeUndefined();
    expect(checkFilter("(tags.note = 'it''s (fine') or metrics.`val loss` > 1")).toBeUndefined();
    expect(checkFilter('tags.x = "say \\"hi\\""')).toBeUndefined();
  });

  it('names an unclosed quote and where it starts', () => {
    expect(checkFilter("params.optimizer = 'adam")).toBe("The ' at position 20 is never closed.");
    expect(checkFilter('metrics.`val loss < 1')).toMatch(/` at position 9/);
  });

  it('catches unbalanced parentheses', () => {
    expect(checkFilter('(metrics.a < 1')).toBe('1 parenthesis is never closed.');
    expect(checkFilter('metrics.a < 1)')).toBe('The ) at position 14 has no ( before it.');
  });
});
