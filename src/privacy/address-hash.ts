import { createHmac } from 'node:crypto';

/**
 * The keyed hash kept for an erased address: HMAC-SHA256 (hex) with a secret from config over the
 * normalised (trimmed, lower-cased) address. Without the key nobody can test a guessed address against
 * the stored hashes; with it, a suppression check still recognises the address.
 */
export function addressHash(key: string, address: string): string {
  return createHmac('sha256', key).update(address.trim().toLowerCase(), 'utf8').digest('hex');
}
