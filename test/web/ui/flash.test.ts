import { describe, expect, it } from 'vitest';
import { flashNotice, flashText, flashUrl, registerFlash } from '../../../src/web/ui/flash.ts';

describe('keyed flash messages', () => {
  it('round-trips a key with a count and a reference through the URL', () => {
    const url = flashUrl('/ui/', 'tickets.bulk', { n: 12, ref: 'resolved' });
    expect(url).toBe('/ui/?flash=tickets.bulk&n=12&ref=resolved');
    const q = Object.fromEntries(new URL(url, 'http://x').searchParams);
    expect(flashText(q)).toBe('12 ticket(s) set to resolved.');
  });

  it('never shows text from the URL: unknown keys, free text and markup give nothing', () => {
    expect(flashText({ flash: 'Your account is locked, call +1 555' })).toBeUndefined();
    expect(flashText({ done: 'hello' } as never)).toBeUndefined();
    expect(flashNotice({ flash: '<script>alert(1)</script>' }).value).toBe('');
    // A reference that is not an identifier is dropped, the message stays ours.
    expect(flashText({ flash: 'quarantine.requeued', ref: 'call <b>us</b> now' })).toBe(
      'The message queued again.',
    );
    expect(flashText({ flash: 'tickets.bulk', n: '1e9', ref: 'open' })).toBe('0 ticket(s) set to open.');
  });

  it('keeps an existing query and refuses a key registered twice', () => {
    expect(flashUrl('/ui/tickets/AD-1?report=3', 'ticket.note')).toBe(
      '/ui/tickets/AD-1?report=3&flash=ticket.note',
    );
    registerFlash({ 'test.only-once': () => 'Done.' });
    expect(flashText({ flash: 'test.only-once' })).toBe('Done.');
    expect(() => registerFlash({ 'test.only-once': () => 'Again.' })).toThrow(/twice/);
    expect(() => registerFlash({ 'ticket.note': () => 'Shadow.' })).toThrow(/twice/);
    expect(() => flashUrl('/ui/', 'ticket.noet')).toThrow(/unknown flash key/);
  });
});
