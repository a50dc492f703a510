import { describe, expect, it } from 'vitest';
import { actingUserHeaders, parseUserName } from './acting-user';

describe('parseUserName', () => {
  it('trims, allows empty (anonymous) and refuses what HTTP Basic cannot carry', () => {
    expect(parseUserName('  alice ')).toEqual({ user: 'alice' });
    expect(parseUserName('')).toEqual({ user: '' });
    expect(parseUserName('a:b')).toEqual({ problem: 'A user name cannot contain ":".' });
    expect(parseUserName('x'.repeat(257))).toHaveProperty('problem');
  });
});

describe('actingUserHeaders', () => {
  it('names the user in a Basic header with an empty password, and sends nothing for anonymous', () => {
    expect(actingUserHeaders('bob')).toEqual({ authorization: `Basic ${btoa('bob:')}` });
    expect(actingUserHeaders('')).toEqual({});
  });
});
