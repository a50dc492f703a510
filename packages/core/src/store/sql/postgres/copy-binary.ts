/**
 * Rows in PostgreSQL's binary COPY format (`COPY … FROM STDIN (FORMAT binary)`): a fixed header, per
 * row a 16-bit field count and each field as a 32-bit length (-1 for NULL) and its bytes, a -1 trailer.
 * Numbers travel as their 8 bytes, so no text is built or parsed for them on either side.
 */

/** One column's type in a binary COPY: BIGINT, DOUBLE PRECISION or TEXT (TEXT may be null). */
export type CopyColumn = 'int8' | 'float8' | 'text';
export type CopyValue = number | string | null;

// "PGCOPY\n\377\r\n\0", then a 32-bit flags field and a 32-bit header-extension length, both 0.
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
const HEADER_SIZE = SIGNATURE.length + 8;
const TWO_32 = 2 ** 32;

/**
 * The COPY data for `rows` (each with one value per column, in `columns` order). int8 values must be
 * whole numbers in BIGINT's range; float8 takes any double, ±Infinity and NaN included.
 */
export function binaryCopyData(
  columns: readonly CopyColumn[],
  rows: readonly (readonly CopyValue[])[],
): Buffer {
  // Text is encoded once up front, so the buffer is allocated at its exact size.
  const texts: (Buffer | null)[] = [];
  const cache = new Map<string, Buffer>();
  let size = HEADER_SIZE + 2;
  for (const row of rows) {
    size += 2;
    for (let c = 0; c < columns.length; c++) {
      const v = row[c];
      if (columns[c] !== 'text') {
        size += 12;
        continue;
      }
      let bytes: Buffer | null = null;
      if (v !== null && v !== undefined) {
        const s = String(v);
        bytes = cache.get(s) ?? null;
        if (!bytes) cache.set(s, (bytes = Buffer.from(s, 'utf8')));
      }
      texts.push(bytes);
      size += 4 + (bytes?.length ?? 0);
    }
  }
  const out = Buffer.allocUnsafe(size);
  let o = SIGNATURE.copy(out, 0);
  o = out.writeInt32BE(0, o);
  o = out.writeInt32BE(0, o);
  let t = 0;
  for (const row of rows) {
    o = out.writeInt16BE(columns.length, o);
    for (let c = 0; c < columns.length; c++) {
      const type = columns[c];
      if (type === 'text') {
        const bytes = texts[t++];
        if (!bytes) {
          o = out.writeInt32BE(-1, o);
        } else {
          o = out.writeInt32BE(bytes.length, o);
          o += bytes.copy(out, o);
        }
        continue;
      }
      o = out.writeInt32BE(8, o);
      const v = row[c] as number;
      if (type === 'float8') {
        o = out.writeDoubleBE(v, o);
      } else {
        // Two's complement in two halves, without BigInt: exact for every whole double in range.
        const high = Math.floor(v / TWO_32);
        o = out.writeInt32BE(high, o);
        o = out.writeUInt32BE(v - high * TWO_32, o);
      }
    }
  }
  out.writeInt16BE(-1, o);
  return out;
}
