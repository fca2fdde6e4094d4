import { describe, expect, it } from 'vitest';
import { checkRecipient } from '../../src/intake/recipient-policy.ts';

const policy = {
  domains: ['esp.example', 'localhost'],
  mailboxes: ['abuse', 'postmaster', 'fbl', 'unsubscribe'],
};

describe('checkRecipient', () => {
  it('accepts configured mailboxes at configured domains, case-insensitively, with +tags', () => {
    expect(checkRecipient('abuse@esp.example', policy)).toMatchObject({
      ok: true,
      mailbox: 'abuse',
      tag: null,
    });
    expect(checkRecipient('PostMaster@ESP.Example', policy)).toMatchObject({
      ok: true,
      mailbox: 'postmaster',
    });
    expect(checkRecipient('fbl+yahoo@localhost', policy)).toMatchObject({
      ok: true,
      mailbox: 'fbl',
      tag: 'yahoo',
    });
  });
  it('accepts the bare <postmaster> of RFC 5321 §4.5.1, in any case, even when postmaster is not a listed mailbox', () => {
    expect(checkRecipient('postmaster', policy)).toMatchObject({
      ok: true,
      mailbox: 'postmaster',
      tag: null,
      domain: 'esp.example',
    });
    expect(checkRecipient('PostMaster', { ...policy, mailboxes: ['abuse'] })).toMatchObject({
      ok: true,
      mailbox: 'postmaster',
    });
    // Only the exact word: other bare local parts stay a syntax error.
    expect(checkRecipient('abuse', policy)).toMatchObject({ ok: false, enhanced: '5.1.3' });
    expect(checkRecipient('postmaster+x', policy)).toMatchObject({ ok: false, enhanced: '5.1.3' });
  });
  it('refuses unknown local parts with 550 5.1.1', () => {
    expect(checkRecipient('sales@esp.example', policy)).toMatchObject({
      ok: false,
      code: 550,
      enhanced: '5.1.1',
    });
    expect(checkRecipient('abusex@esp.example', policy)).toMatchObject({ ok: false, enhanced: '5.1.1' });
  });
  it('refuses every other domain with 550 5.7.1 (no relaying)', () => {
    expect(checkRecipient('abuse@gmail.com', policy)).toMatchObject({
      ok: false,
      code: 550,
      enhanced: '5.7.1',
    });
    expect(checkRecipient('abuse@sub.esp.example', policy)).toMatchObject({ ok: false, enhanced: '5.7.1' });
  });
});
