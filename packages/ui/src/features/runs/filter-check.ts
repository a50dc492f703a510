/**
 * The mistakes worth catching before the filter goes to the server: an unclosed quote or parenthesis.
 * Everything else (unknown keys, bad operators) is the server's to judge; its message is shown as is.
 */

/** A message for the first unclosed quote or unbalanced parenthesis in `filter`, or undefined. */
export function checkFilter(filter: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(filter, i);
      if (end < 0) return `The ${ch} at position ${i + 1} is never closed.`;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      if (--depth < 0) return `The ) at position ${i + 1} has no ( before it.`;
    }
  }
  return depth > 0 ? `${depth} parenthes${depth === 1 ? 'is is' : 'es are'} never closed.` : undefined;
}

/** Where the quote opened at `start` closes (a doubled quote or a backslash escapes it), or -1. */
function closingQuote(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote !== '`') i++;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return -1;
}
