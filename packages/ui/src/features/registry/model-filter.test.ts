import { describe, expect, it } from 'vitest';
import { modelSearchFilter } from './model-filter';

describe('modelSearchFilter', () => {
  it('passes filters through and turns plain text into a name search', () => {
    expect(modelSearchFilter("name LIKE '%churn%'")).toBe("name LIKE '%churn%'");
    expect(modelSearchFilter("tags.team = 'vision'")).toBe("tags.team = 'vision'");
    expect(modelSearchFilter(' churn ')).toBe("name ILIKE '%churn%'");
    expect(modelSearchFilter("o'brien")).toBe("name ILIKE '%o''brien%'");
    expect(modelSearchFilter('likely model')).toBe("name ILIKE '%likely model%'");
    expect(modelSearchFilter('  ')).toBeUndefined();
  });
});
