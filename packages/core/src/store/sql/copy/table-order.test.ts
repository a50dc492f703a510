import { describe, expect, it } from 'vitest';
import { orderByReferences } from './table-order';

const names = (tables: { name: string }[]) => tables.map((t) => t.name);

describe('orderByReferences', () => {
  it('puts referenced tables first and keeps the rest alphabetical', () => {
    const tables = [
      { name: 'tags', references: ['runs'] },
      { name: 'runs', references: ['experiments'] },
      { name: 'alpha', references: [] },
      { name: 'experiments', references: [] },
      { name: 'input_tags', references: ['run_inputs'] },
      { name: 'run_inputs', references: ['runs', 'datasets'] },
      { name: 'datasets', references: ['experiments'] },
    ];
    expect(names(orderByReferences(tables))).toEqual([
      'alpha',
      'experiments',
      'datasets',
      'runs',
      'run_inputs',
      'input_tags',
      'tags',
    ]);
  });

  it('survives self references and cycles, and ignores tables it does not know', () => {
    const tables = [
      { name: 'b', references: ['a', 'elsewhere'] },
      { name: 'a', references: ['a', 'b'] },
      { name: 'c', references: ['b'] },
    ];
    const order = names(orderByReferences(tables));
    expect(order).toHaveLength(3);
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'));
  });
});
