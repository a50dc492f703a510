import { describe, expect, it } from 'vitest';
import { experimentNameFilter } from './experiment-filter';

describe('experimentNameFilter', () => {
  it('searches names case-insensitively and doubles quotes', () => {
    expect(experimentNameFilter('  ')).toBeUndefined();
    expect(experimentNameFilter(' mnist ')).toBe("name ILIKE '%mnist%'");
    expect(experimentNameFilter("bob's")).toBe("name ILIKE '%bob''s%'");
  });
});
