/**
 * One row read by `COPY (query) TO STDOUT (FORMAT binary)`: each column's value as the bytes the
 * server sends, so a big text value (a page of JSON) reaches the HTTP answer as UTF-8 bytes without
 * being decoded into a JS string and encoded back (node-postgres decodes every text column).
 */
import type pg from 'pg';
import { to as copyToStdout } from 'pg-copy-streams';

// "PGCOPY\n\377\r\n\0", a 32-bit flags field and a 32-bit header-extension length.
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/** The whole output of a `COPY … TO STDOUT` on `client`. */
export async function copyOut(client: pg.ClientBase, sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyToStdout(sql))) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * The fields of the only row in binary COPY output (`null` for a NULL field), or undefined when it
 * holds no row. Refuses anything else: more than one row, or output that is not binary COPY.
 */
export function binaryCopyRow(data: Buffer): (Buffer | null)[] | undefined {
  if (data.length < SIGNATURE.length + 8 || !data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new Error('not binary COPY output');
  }
  let o = SIGNATURE.length + 4;
  o += 4 + data.readUInt32BE(o);
  const fieldCount = data.readInt16BE(o);
  o += 2;
  if (fieldCount === -1) return undefined;
  const fields: (Buffer | null)[] = [];
  for (let i = 0; i < fieldCount; i++) {
    const length = data.readInt32BE(o);
    o += 4;
    if (length === -1) {
      fields.push(null);
      continue;
    }
    fields.push(data.subarray(o, o + length));
    o += length;
  }
  if (data.readInt16BE(o) !== -1) throw new Error('binary COPY output holds more than one row');
  return fields;
}
