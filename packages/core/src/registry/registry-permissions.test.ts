import { describe, expect, it } from 'vitest';
import { ALLOW_ALL_REGISTRY_PERMISSIONS, tablePermissions } from './registry-permissions';
import { validateProtections } from './protections';

describe('tablePermissions', () => {
  it('grants each level and those below it', () => {
    const p = tablePermissions({ alice: 'EDIT', bob: 'MANAGE', carol: 'READ' });
    const abilities = (user: string) => [
      p.canRead({ user }, 'm'),
      p.canEdit({ user }, 'm'),
      p.canManage({ user }, 'm'),
    ];
    expect(abilities('alice')).toEqual([true, true, false]);
    expect(abilities('bob')).toEqual([true, true, true]);
    expect(abilities('carol')).toEqual([true, false, false]);
    expect(abilities('dave')).toEqual([false, false, false]);
    expect(abilities('toString')).toEqual([false, false, false]);
    const readers = tablePermissions({}, 'READ');
    expect(readers.canRead({ user: 'x' }, 'm')).toBe(true);
    expect(readers.canEdit({ user: 'x' }, 'm')).toBe(false);
  });

  it('allows everything with authentication off', () => {
    expect(ALLOW_ALL_REGISTRY_PERMISSIONS.canManage({ user: 'anonymous' }, 'm')).toBe(true);
  });
});

describe('validateProtections', () => {
  it('canonicalises stages, checks aliases and defaults to a distinct approver', () => {
    expect(
      validateProtections({ stages: ['production', 'Staging', 'PRODUCTION'], aliases: ['b', 'a', 'b'] }),
    ).toEqual({
      stages: ['Staging', 'Production'],
      aliases: ['a', 'b'],
      requireDistinctApprover: true,
    });
    expect(() => validateProtections({ stages: ['Live'], aliases: [] })).toThrow(
      /Invalid Model Version stage/,
    );
    expect(() => validateProtections({ stages: [], aliases: ['latest'] })).toThrow(/reserved/);
    expect(
      validateProtections({ stages: [], aliases: [], requireDistinctApprover: false })
        .requireDistinctApprover,
    ).toBe(false);
  });
});
