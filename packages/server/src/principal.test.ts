import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { basicAuthPrincipal } from './principal';

const app = new Hono().get('/', async (c) => c.text((await basicAuthPrincipal(c)).user));
const userFor = async (authorization?: string) =>
  (await app.request('/', authorization ? { headers: { authorization } } : {})).text();
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('basicAuthPrincipal', () => {
  it('names the HTTP Basic user, else anonymous', async () => {
    expect(await userFor(basic('alice:s3cret'))).toBe('alice');
    expect(await userFor(basic('bob'))).toBe('bob');
    expect(await userFor(basic('carol:pa:ss'))).toBe('carol');
    expect(await userFor()).toBe('anonymous');
    expect(await userFor(basic(':nobody'))).toBe('anonymous');
    expect(await userFor('Bearer abc.def')).toBe('anonymous');
  });
});
