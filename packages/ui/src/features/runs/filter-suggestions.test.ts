import { describe, expect, it } from 'vitest';
import { applySuggestion, filterSuggestions, quoteKey } from './filter-suggestions';

const keys = { metrics: ['accuracy', 'loss', 'val loss'], params: ['lr', 'optimizer'], tags: ['team'] };
const texts = (filter: string, caret = filter.length) =>
  filterSuggestions(filter, caret, keys).items.map((s) => s.text);

describe('filterSuggestions', () => {
  it('offers the entity prefixes at the start', () => {
    expect(texts('')).toEqual(['metrics.', 'params.', 'tags.', 'attributes.', 'datasets.']);
    expect(texts('pa')).toEqual(['params.']);
  });

  it("completes keys from the experiment's metrics, params and tags", () => {
    expect(texts('metrics.')).toEqual(['metrics.accuracy', 'metrics.loss', 'metrics.`val loss`']);
    expect(texts('metrics.lo')).toEqual(['metrics.loss', 'metrics.`val loss`']);
    expect(texts('params.OP')).toEqual(['params.optimizer']);
    expect(texts('tag.t')).toEqual(['tag.team']);
    expect(texts('attributes.st')).toEqual(['attributes.status', 'attributes.start_time']);
  });

  it('completes after and/or/not and parentheses, not in value or operator positions', () => {
    expect(texts("params.lr = '0.1' and met")).toEqual(['metrics.']);
    expect(texts('(metrics.acc')).toEqual(['metrics.accuracy']);
    expect(texts('metrics.loss < ')).toEqual([]);
    expect(texts("params.optimizer = 'ad")).toEqual([]);
    expect(texts("tags.team = 'a and par")).toEqual([]);
    expect(texts('metrics.loss')).toEqual([]);
  });

  it('completes the word under the caret, replacing all of it', () => {
    const filter = "params.o = 'adam'";
    const s = filterSuggestions(filter, 'params.o'.length, keys);
    expect(s.items.map((i) => i.text)).toEqual(['params.optimizer']);
    expect(applySuggestion(filter, s.items[0]!, s)).toEqual({
      value: "params.optimizer = 'adam'",
      caret: 'params.optimizer '.length,
    });
  });

  it('leaves unknown prefixes alone', () => {
    expect(texts('foo.b')).toEqual([]);
  });
});

describe('quoteKey', () => {
  it('back-quotes keys that are not plain names', () => {
    expect(quoteKey('lr')).toBe('lr');
    expect(quoteKey('val loss')).toBe('`val loss`');
    expect(quoteKey('a`b')).toBe('`a``b`');
  });
});

describe('applySuggestion', () => {
  it('adds a space after a key but not after a prefix', () => {
    expect(applySuggestion('met', { text: 'metrics.', kind: 'prefix' }, { from: 0, to: 3 })).toEqual({
      value: 'metrics.',
      caret: 8,
    });
    expect(
      applySuggestion('metrics.l', { text: 'metrics.loss', kind: 'metric' }, { from: 0, to: 9 }),
    ).toEqual({
      value: 'metrics.loss ',
      caret: 13,
    });
  });
});
