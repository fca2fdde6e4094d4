import { describe, expect, it } from 'vitest';
import { readTopHeaders } from '../../src/headers/headers-stage.ts';

describe('readTopHeaders', () => {
  it('reads the message own headers, decoding encoded words and unfolding, never those of an enclosed message', () => {
    const raw = Buffer.from(
      [
        'From: =?utf-8?q?Ren=C3=A9e?= <renee@example.fr>',
        'To: abuse@esp.example,',
        '  "Post Master" <postmaster@esp.example>',
        'Subject: =?utf-8?B?UmU6IFtBRC03S1EyTVhdIG1lcmNp?=',
        'Message-ID: <abc@example.fr>',
        'Date: Mon, 23 Nov 2026 10:00:00 +0100',
        'Content-Type: message/rfc822',
        '',
        'From: inner@example.org',
        'Subject: inner',
        'Message-ID: <inner@example.org>',
        '',
        'body',
      ].join('\r\n'),
    );
    expect(readTopHeaders(raw)).toEqual({
      from: 'renee@example.fr',
      to: ['abuse@esp.example', 'postmaster@esp.example'],
      subject: 'Re: [AD-7KQ2MX] merci',
      messageId: '<abc@example.fr>',
      date: '2026-11-23T09:00:00Z',
    });
  });
  it('copes with a message that has no headers at all', () => {
    expect(readTopHeaders(Buffer.from('just text\r\n'))).toMatchObject({ from: null, subject: null, to: [] });
  });
});
