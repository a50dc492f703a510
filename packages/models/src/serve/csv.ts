/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF line ends. */

/** The rows of `text`; a trailing line end does not make an empty row. Throws on a stray quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new Error(`unexpected quote in an unquoted field on line ${rows.length + 1}`);
      quoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n') endRow();
    else if (ch !== '\r' || text[i + 1] !== '\n') field += ch;
    i++;
  }
  if (quoted) throw new Error('a quoted field is not closed');
  if (field !== '' || row.length) endRow();
  return rows;
}
