import { type LoomError } from '@loom/protocol';
import { describe, expect, it } from 'vitest';
import { parseOrderBy, rejectDuplicateOrderKeys } from './order-by';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as LoomError).code).toBe('INVALID_PARAMETER_VALUE');
    return (err as LoomError).message;
  }
  throw new Error('no error');
}

describe('parseOrderBy', () => {
  it('defaults to ascending', () => {
    expect(parseOrderBy('metrics.rmse')).toEqual({
      identifier: { entity: 'metrics', key: 'rmse', text: 'metrics.rmse' },
      ascending: true,
    });
  });

  it('reads ASC and DESC in any case', () => {
    expect(parseOrderBy('start_time DESC').ascending).toBe(false);
    expect(parseOrderBy('start_time desc').ascending).toBe(false);
    expect(parseOrderBy('start_time Asc').ascending).toBe(true);
    expect(parseOrderBy('  start_time   ASC ').ascending).toBe(true);
  });

  it('accepts quoted identifiers as filters do', () => {
    expect(parseOrderBy('metrics.`model class` DESC').identifier).toMatchObject({
      entity: 'metrics',
      key: 'model class',
    });
    expect(parseOrderBy('tags."user name"').identifier).toMatchObject({ entity: 'tags', key: 'user name' });
    expect(parseOrderBy('`Run name`').identifier).toMatchObject({ entity: undefined, key: 'Run name' });
  });

  it('rejects an unknown direction', () => {
    expect(messageOf(() => parseOrderBy('start_time DOWN'))).toBe(
      "Invalid ordering key in order_by clause 'start_time DOWN'.",
    );
  });

  it('rejects clauses that are not `<identifier> [ASC|DESC]`', () => {
    for (const clause of [
      '',
      '   ',
      'start_time DESC ASC',
      "'start_time'",
      'a, b',
      'start_time = 1',
      'a @',
      '1',
    ]) {
      expect(messageOf(() => parseOrderBy(clause))).toBe(
        `Invalid order_by clause '${clause}'. Could not be parsed.`,
      );
    }
  });
});

describe('rejectDuplicateOrderKeys', () => {
  it('passes distinct keys and rejects repeated ones, quoting the whole list', () => {
    expect(() => rejectDuplicateOrderKeys(['metric:a', 'param:a'], ['metrics.a', 'params.a'])).not.toThrow();
    expect(
      messageOf(() => rejectDuplicateOrderKeys(['metric:a', 'metric:a'], ['metrics.a', 'metric.a DESC'])),
    ).toBe("`order_by` contains duplicate fields: ['metrics.a', 'metric.a DESC']");
  });
});
