import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './credentials';
import { LoginRateLimit } from './login-rate-limit';

describe('LoginRateLimit', () => {
  it('blocks a key after max failures and lets it in again as they age out', () => {
    let now = 0;
    const limit = new LoginRateLimit(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limit.isBlocked('ada|1.2.3.4')).toBe(false);
      limit.fail('ada|1.2.3.4');
      now += 1000;
    }
    expect(limit.isBlocked('ada|1.2.3.4')).toBe(true);
    expect(limit.isBlocked('ada|5.6.7.8')).toBe(false);
    // The first failure (t=0) leaves the window at t=60s; then one more attempt is allowed.
    now = 60_000;
    expect(limit.isBlocked('ada|1.2.3.4')).toBe(false);
    limit.fail('ada|1.2.3.4');
    expect(limit.isBlocked('ada|1.2.3.4')).toBe(true);
  });
});

describe('parseAuthorization', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('reads Basic and Bearer credentials, and nothing from malformed headers', () => {
    expect(parseAuthorization(`Basic ${b64('ada:pa:ss')}`)).toEqual({
      kind: 'basic',
      username: 'ada',
      password: 'pa:ss',
    });
    expect(parseAuthorization('bearer loom_abc')).toEqual({ kind: 'bearer', token: 'loom_abc' });
    for (const bad of [
      undefined,
      '',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':pw')}`,
      'Digest x',
      'Bearer a b',
    ]) {
      expect(parseAuthorization(bad)).toEqual({ kind: 'none' });
    }
  });
});
