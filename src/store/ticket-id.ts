import { randomInt } from 'node:crypto';

// Crockford-style: no 0/O, 1/I/L, U — readable aloud and over the phone.
const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, unguessable ticket id: `AD-` + 6 random characters (30^6 ≈ 729 million). */
export function newTicketId(): string {
  let s = 'AD-';
  for (let i = 0; i < 6; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}
