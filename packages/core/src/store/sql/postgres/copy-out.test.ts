import { describe, expect, it } from 'vitest';
import { binaryCopyRow } from './copy-out';

const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const field = (bytes: Buffer | null) => (bytes ? Buffer.concat([int32(bytes.length), bytes]) : int32(-1));

describe('binaryCopyRow', () => {
  it('gives each field of the one row as its bytes, NULL as null, and undefined for no row', () => {
    const text = Buffer.from('{"key":"ü\\"","value":1}', 'utf8');
    const row = Buffer.concat([
      HEADER,
      int16(3),
      field(text),
      field(null),
      field(Buffer.alloc(0)),
      int16(-1),
    ]);
    const fields = binaryCopyRow(row)!;
    expect(fields[0]!.equals(text)).toBe(true);
    expect(fields[1]).toBeNull();
    expect(fields[2]!.length).toBe(0);
    expect(binaryCopyRow(Buffer.concat([HEADER, int16(-1)]))).toBeUndefined();
  });

  it('skips a header extension and refuses text output or a second row', () => {
    const extended = Buffer.concat([
      HEADER.subarray(0, 15),
      int32(3),
      Buffer.from('abc'),
      int16(1),
      field(Buffer.from('x')),
      int16(-1),
    ]);
    expect(binaryCopyRow(extended)![0]!.toString()).toBe('x');
    expect(() => binaryCopyRow(Buffer.from('x\n'))).toThrow('not binary COPY output');
    const two = Buffer.concat([
      HEADER,
      int16(1),
      field(Buffer.from('a')),
      int16(1),
      field(Buffer.from('b')),
      int16(-1),
    ]);
    expect(() => binaryCopyRow(two)).toThrow('more than one row');
  });
});
