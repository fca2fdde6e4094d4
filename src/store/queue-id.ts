import { randomBytes } from 'node:crypto';

const alphabet = '0123456789BCDFGHJKLMNPQRSTVWXYZ'; // no vowels: ids never spell words

/** Sortable-ish, unguessable queue id: 7 chars of time (seconds) + 7 random, e.g. `T4K9Q2B7XQ3MZD`. */
export function newQueueId(now: Date = new Date()): string {
  let t = Math.floor(now.getTime() / 1000);
  let time = '';
  for (let i = 0; i < 7; i++) {
    time = alphabet[t % alphabet.length]! + time;
    t = Math.floor(t / alphabet.length);
  }
  const bytes = randomBytes(7);
  let rand = '';
  for (const b of bytes) rand += alphabet[b % alphabet.length];
  return time + rand;
}
