/** CSV/TSV text → rows, with RFC 4180 quoting ("a, b" and "say ""hi""" are one cell; newlines inside quotes stay). */

export interface DelimitedTable {
  header: string[];
  rows: string[][];
  /** True when the text had more rows than `maxRows` (or was itself cut off mid-file). */
  truncated: boolean;
}

/**
 * The first `maxRows` data rows of `text`. `cutOff` says the text is only the head of the file: its
 * last (possibly partial) line is dropped rather than shown broken.
 */
export function parseDelimited(
  text: string,
  delimiter: ',' | '\t',
  maxRows: number,
  cutOff = false,
): DelimitedTable {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark is not part of the first header
  let complete = true;
  const endRecord = () => {
    record.push(cell);
    records.push(record);
    record = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    if (records.length > maxRows) break;
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else cell += ch;
  }
  if (i >= text.length) {
    if (cell !== '' || record.length > 0) {
      if (cutOff || quoted) complete = false;
      else endRecord();
    }
  }
  const [header = [], ...data] = records;
  const more = data.length > maxRows || i < text.length || !complete || cutOff;
  return { header, rows: data.slice(0, maxRows), truncated: more };
}
