/**
 * The branch's identity key: 32 random bytes in a file in the service's data folder, readable by
 * the service only. Losing it only breaks linking with earlier visits; leaking it lets someone
 * test guesses against stored hashes, hence mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { DomainError } from '../common/errors.js';
import { MIN_KEY_BYTES } from './derive.js';

export function generateIdentityKey(): Buffer {
  return randomBytes(32);
}

/** Reads the key file, creating it (mode 0600) on first use. The file holds the key as hex. */
export function loadOrCreateIdentityKey(file: string): Buffer {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DomainError('IDENTITY_KEY_UNREADABLE', `cannot read the identity key file: ${(err as Error).message}`);
    }
  }
  if (text !== undefined) {
    const key = Buffer.from(text.trim(), 'hex');
    if (key.length < MIN_KEY_BYTES || !/^[0-9a-f]+$/i.test(text.trim())) {
      throw new DomainError('IDENTITY_KEY_INVALID', 'the identity key file does not hold a hex key of at least 16 bytes');
    }
    return key;
  }
  const key = generateIdentityKey();
  // 'wx' so that two processes starting together cannot overwrite each other's key.
  try {
    writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateIdentityKey(file);
    throw new DomainError('IDENTITY_KEY_UNWRITABLE', `cannot create the identity key file: ${(err as Error).message}`);
  }
  chmodSync(file, 0o600);
  return key;
}
