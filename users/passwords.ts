// Password hashing with scrypt (Node's crypto, no native add-on). Stored as
// `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so the parameters can be raised later.
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function isPasswordHash(stored: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(stored);
}

/** Checks a password against a stored scrypt hash, or against a plaintext one in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (!isPasswordHash(stored)) return constantTimeEqual(password, stored);
  const [, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/**
 * The password work of one login attempt: exactly one scrypt computation, whatever the outcome.
 * A stored hash is verified for real; a plaintext one (text file) or none (unknown user, external
 * directory) costs a verification against a throwaway hash, so the time of a refusal does not tell
 * an unknown user from a wrong password or a disabled account.
 */
export class PasswordWork {
  private spent = false;

  /** Whether `password` matches `stored` (a scrypt hash or plaintext); undefined/null never matches. */
  async matches(password: string, stored: string | null | undefined): Promise<boolean> {
    this.spent = true;
    if (typeof stored === 'string' && isPasswordHash(stored)) return verifyPassword(password, stored);
    await verifyPassword(password, await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
    return typeof stored === 'string' && stored !== '' && constantTimeEqual(password, stored);
  }

  /** Spends the attempt's scrypt computation if nothing did yet. */
  async finish(): Promise<void> {
    if (!this.spent) await this.matches('', undefined);
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  // Digests have equal lengths, so the comparison time does not reveal the stored length.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** A password for the generated admin: 20 characters, unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
}
