/**
 * Password hashes with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, salt and hash in base64, so
 * the cost can be raised later without breaking stored hashes.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST: Required<Pick<ScryptOptions, 'N' | 'r' | 'p'>> = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: typeof COST): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A new salted scrypt hash of `password`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored` (compared in constant time); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Remembers recent successful checks so HTTP Basic does not pay scrypt on every request. Keys are
 * SHA-256 digests of (stored hash, password): a changed password has a new hash, so old entries never
 * match again, and the memory holds no password. A cache a server may lose at any time.
 */
export class PasswordCheckCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 1000,
  ) {}

  /** `verifyPassword`, answered from memory when the same pair matched within the TTL. */
  async verify(password: string, stored: string): Promise<boolean> {
    const key = createHash('sha256').update(stored).update('\0').update(password).digest('base64');
    const until = this.seen.get(key);
    if (until !== undefined && until > Date.now()) return true;
    if (!(await verifyPassword(password, stored))) return false;
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, Date.now() + this.ttlMs);
    return true;
  }
}
