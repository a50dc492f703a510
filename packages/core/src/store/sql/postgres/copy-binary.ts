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
  // A DataView's setters cost a few nanoseconds; Buffer's checked write methods cost ~10× that, which
  // was most of the encoding time of a 1000-point batch.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let o = SIGNATURE.copy(out, 0);
  view.setInt32(o, 0);
  view.setInt32(o + 4, 0);
  o += 8;
  let t = 0;
  for (const row of rows) {
    view.setInt16(o, columns.length);
    o += 2;
    for (let c = 0; c < columns.length; c++) {
      const type = columns[c];
      if (type === 'text') {
        const bytes = texts[t++];
        if (!bytes) {
          view.setInt32(o, -1);
          o += 4;
        } else {
          const n = bytes.length;
          view.setInt32(o, n);
          o += 4;
          // Short text (metric keys) byte by byte: cheaper than a native copy call.
          if (n <= 32) for (let i = 0; i < n; i++) out[o + i] = bytes[i]!;
          else bytes.copy(out, o);
          o += n;
        }
        continue;
      }
      view.setInt32(o, 8);
      const v = row[c] as number;
      if (type === 'float8') {
        view.setFloat64(o + 4, v);
      } else {
        // Two's complement in two halves, without BigInt: exact for every whole double in range.
        const high = Math.floor(v / TWO_32);
        view.setInt32(o + 4, high);
        view.setUint32(o + 8, v - high * TWO_32);
      }
      o += 12;
    }
  }
  view.setInt16(o, -1);
  return out;
}
