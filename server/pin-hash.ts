/**
 * PINs are short, so the hash must be slow: scrypt with a per-PIN salt, parameters stored
 * beside the hash so they can be raised later without invalidating existing PINs.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pin: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pin, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

// N=2^15 takes tens of milliseconds per try on a branch PC: cheap for a login, slow for guessing.
const DEFAULT = { N: 1 << 15, r: 8, p: 1 };
const KEY_LEN = 32;

export async function hashPin(pin: string, params = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, KEY_LEN, { ...params, maxmem: 128 * params.N * params.r * 2 });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(pin, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: Number(p), maxmem: 128 * N * R * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A stored hash that no PIN matches, used for unknown staff ids so that both paths take the same
 * time. Checking a PIN costs the same whatever the stored key is, so the key need not come from
 * scrypt: random bytes (which no PIN's key equals) spare one slow hash at every start.
 */
export const DUMMY_HASH = ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, randomBytes(16).toString('base64'), randomBytes(KEY_LEN).toString('base64')].join('$');
