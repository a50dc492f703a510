import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists, quotes, code and rules', () => {
    const doc = parseMarkdown(
      '# Title\n\nSome *light* and **bold** text\non two lines.\n\n- one\n- `two`\n\n1. first\n2. second\n\n> quoted\n\n```\n<b>x</b>\n```\n\n---',
    );
    expect(doc.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'code', 'rule']);
    expect(doc[1]).toEqual({
      kind: 'paragraph',
      children: [
        { kind: 'text', text: 'Some ' },
        { kind: 'em', children: [{ kind: 'text', text: 'light' }] },
        { kind: 'text', text: ' and ' },
        { kind: 'strong', children: [{ kind: 'text', text: 'bold' }] },
        { kind: 'text', text: ' text on two lines.' },
      ],
    });
    expect(doc[2]).toMatchObject({
      kind: 'list',
      ordered: false,
      items: [[{ text: 'one' }], [{ kind: 'code', text: 'two' }]],
    });
    expect(doc[3]).toMatchObject({ kind: 'list', ordered: true });
    expect(doc[5]).toEqual({ kind: 'code', text: '<b>x</b>' });
  });

  it('keeps HTML as text: there is no node kind that could carry markup', () => {
    const doc = parseMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>');
    expect(doc).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: '<script>alert(1)</script>' }] },
      { kind: 'paragraph', children: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('leaves snake_case words alone', () => {
    expect(parseInline('use learning_rate_max here')).toEqual([
      { kind: 'text', text: 'use learning_rate_max here' },
    ]);
  });
});

describe('links', () => {
  it('keeps http(s), mailto and relative links', () => {
    expect(parseInline('[docs](https://mlflow.org/docs)')).toEqual([
      { kind: 'link', href: 'https://mlflow.org/docs', children: [{ kind: 'text', text: 'docs' }] },
    ]);
    expect(safeHref('mailto:ada@example.com')).toBe('mailto:ada@example.com');
    expect(safeHref('/runs/abc')).toBe('/runs/abc');
  });

  it('drops script and data targets, keeping the label as text', () => {
    expect(parseInline('[click](javascript:alert(1))')).not.toContainEqual(
      expect.objectContaining({ kind: 'link' }),
    );
    expect(parseInline('[x](javascript:alert)')).toEqual([{ kind: 'text', text: 'x' }]);
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('java\tscript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(safeHref('vbscript:x')).toBeUndefined();
  });

  it('turns bare URLs into links without the trailing period', () => {
    expect(parseInline('see https://example.com/a.')).toEqual([
      { kind: 'text', text: 'see ' },
      {
        kind: 'link',
        href: 'https://example.com/a',
        children: [{ kind: 'text', text: 'https://example.com/a' }],
      },
      { kind: 'text', text: '.' },
    ]);
  });
});
