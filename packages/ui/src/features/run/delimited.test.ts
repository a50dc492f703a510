import { describe, expect, it } from 'vitest';
import { parseDelimited } from './delimited';

describe('parseDelimited', () => {
  it('splits a plain CSV into a header and rows', () => {
    expect(parseDelimited('a,b\n1,2\n3,4\n', ',', 10)).toEqual({
      header: ['a', 'b'],
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
      truncated: false,
    });
  });

  it('honours quotes: delimiters, doubled quotes and newlines inside a quoted cell', () => {
    const t = parseDelimited('name,quote\r\n"Lovelace, Ada","said ""hi""\nthen left"\r\nx,y', ',', 10);
    expect(t.header).toEqual(['name', 'quote']);
    expect(t.rows).toEqual([
      ['Lovelace, Ada', 'said "hi"\nthen left'],
      ['x', 'y'],
    ]);
    expect(t.truncated).toBe(false);
  });

  it('reads TSV and keeps empty cells', () => {
    expect(parseDelimited('a\tb\tc\n1\t\t3', '\t', 10).rows).toEqual([['1', '', '3']]);
  });

  it('stops after maxRows and says so', () => {
    const text = ['n', ...Array.from({ length: 100 }, (_, i) => String(i))].join('\n');
    const t = parseDelimited(text, ',', 5);
    expect(t.rows).toEqual([['0'], ['1'], ['2'], ['3'], ['4']]);
    expect(t.truncated).toBe(true);
  });

  it('drops the partial last line of a head that was cut off, and a BOM', () => {
    const t = parseDelimited('\ufeffa,b\n1,2\n3,"unfinish', ',', 10, true);
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['1', '2']]);
    expect(t.truncated).toBe(true);
  });
});
