import { describe, expect, it } from 'vitest';
import { LoomError } from './errors';
import { decodeJson, decodeQuery, f } from './schema';

const VIEW = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
const request = {
  run_id: f.string().required(),
  max_results: f.int64(),
  small: f.int32(),
  value: f.double(),
  flag: f.bool(),
  view_type: f.enum(VIEW, { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' }),
  ids: f.string().list(),
  tags: f.message({ key: f.string().required(), value: f.string() }).list(),
};

function error(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof LoomError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a LoomError');
}

describe('decodeJson (protobuf-JSON rules)', () => {
  it('reads snake_case and lowerCamelCase names, ignores unknown fields and treats null as absent', () => {
    expect(decodeJson(request, { runId: 'r', maxResults: 5, view_type: null, extra: 1 })).toEqual({
      run_id: 'r',
      max_results: 5,
      ids: [],
      tags: [],
    });
  });

  it('accepts int64 as numbers or decimal strings and rejects fractions', () => {
    expect(decodeJson(request, { run_id: 'r', max_results: '9007199254740991' }).max_results).toBe(
      9007199254740991,
    );
    expect(error(() => decodeJson(request, { run_id: 'r', max_results: 1.5 })).message).toContain(
      "Invalid value 1.5 for parameter 'max_results' supplied: Hint: Value was of type 'float'.",
    );
    expect(error(() => decodeJson(request, { run_id: 'r', small: 2 ** 31 })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('keeps int64 to its range: -2^63 in, 2^63 (the double of 2^63 - 1) and beyond out', () => {
    expect(decodeJson(request, { run_id: 'r', max_results: -(2 ** 63) }).max_results).toBe(-(2 ** 63));
    expect(decodeJson(request, { run_id: 'r', max_results: 2 ** 62 }).max_results).toBe(2 ** 62);
    for (const out of [2 ** 63, '9223372036854775807', -(2 ** 64), '1e400', 1e300]) {
      expect(error(() => decodeJson(request, { run_id: 'r', max_results: out })).code, String(out)).toBe(
        'INVALID_PARAMETER_VALUE',
      );
    }
  });

  it('accepts doubles as numbers, numeric strings and NaN / Infinity spellings', () => {
    expect(decodeJson(request, { run_id: 'r', value: 'NaN' }).value).toBeNaN();
    expect(decodeJson(request, { run_id: 'r', value: 'Infinity' }).value).toBe(Infinity);
    expect(decodeJson(request, { run_id: 'r', value: '-Infinity' }).value).toBe(-Infinity);
    expect(decodeJson(request, { run_id: 'r', value: '2.5' }).value).toBe(2.5);
    expect(error(() => decodeJson(request, { run_id: 'r', value: 'abc' })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(error(() => decodeJson(request, { run_id: 'r', value: true })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('accepts enums by name or number only', () => {
    expect(decodeJson(request, { run_id: 'r', view_type: 3 }).view_type).toBe('ALL');
    expect(decodeJson(request, { run_id: 'r', view_type: 'DELETED_ONLY' }).view_type).toBe('DELETED_ONLY');
    expect(error(() => decodeJson(request, { run_id: 'r', view_type: 'all' })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(error(() => decodeJson(request, { run_id: 'r', view_type: 9 })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('requires required fields to be present and non-empty, naming nested paths', () => {
    expect(error(() => decodeJson(request, {})).message).toBe(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
    expect(error(() => decodeJson(request, { run_id: '' })).code).toBe('INVALID_PARAMETER_VALUE');
    expect(
      error(() => decodeJson(request, { run_id: 'r', tags: [{ key: 'a' }, { value: 'v' }] })).message,
    ).toContain("'tags[1].key'");
  });

  it('rejects a scalar where a list is expected and a non-object body as empty', () => {
    expect(error(() => decodeJson(request, { run_id: 'r', ids: 'a' })).message).toContain("'ids'");
    expect(error(() => decodeJson(request, [1, 2])).message).toContain("'run_id'");
  });
});

describe('the quoted bad value', () => {
  it('is cut when huge and named by type when nested deeper than JSON can write', () => {
    const huge = error(() => decodeJson(request, { run_id: 'r', flag: 'x'.repeat(5000) }));
    expect(huge.code).toBe('INVALID_PARAMETER_VALUE');
    expect(huge.message.length).toBeLessThan(1300);
    expect(huge.message).toContain(`"${'x'.repeat(100)}`);
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const nested = error(() => decodeJson(request, { run_id: 'r', value: deep }));
    expect(nested.code).toBe('INVALID_PARAMETER_VALUE');
    expect(nested.message).toContain("Invalid value <list> for parameter 'value'");
  });
});

describe('decodeQuery (GET query strings)', () => {
  it('reads repeated keys as lists, coerces numbers and booleans case-insensitively', () => {
    const q = new URLSearchParams('run_id=r&ids=a&ids=b&max_results=10&flag=TRUE&value=NaN');
    expect(decodeQuery(request, q)).toEqual({
      run_id: 'r',
      ids: ['a', 'b'],
      max_results: 10,
      flag: true,
      value: NaN,
      tags: [],
    });
    expect(decodeQuery(request, new URLSearchParams('run_id=r&ids=a')).ids).toEqual(['a']);
  });

  it('rejects a boolean that is not true or false', () => {
    expect(error(() => decodeQuery(request, new URLSearchParams('run_id=r&flag=yes'))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('uses the last value of a repeated scalar', () => {
    expect(decodeQuery(request, new URLSearchParams('run_id=a&run_id=b')).run_id).toBe('b');
  });
});
