/**
 * A legal but hostile message: 100,000 header fields, a 20 MB header line and a 24 MB body (about 46 MB).
 * Parsing it takes seconds of CPU; the parse pool keeps that off the event loop that serves SMTP and HTTP.
 */
export function hostileMessage(): Buffer {
  const fields = Array.from({ length: 100_000 }, (_, i) => `X-H${i}: v${i}`).join('\r\n');
  return Buffer.concat([
    Buffer.from(
      'From: a@b.example\r\nTo: abuse@esp.example\r\nSubject: hostile\r\n' +
        'DKIM-Signature: v=1; a=rsa-sha256; d=b.example; s=x; c=relaxed/relaxed; h=from; bh=abc; b=abc\r\n' +
        `${fields}\r\nX-Big: `,
    ),
    Buffer.alloc(20 * 1024 * 1024, 'a'),
    Buffer.from('\r\n\r\n'),
    Buffer.from('body text with words and http://example.com/x\r\n'.repeat(500_000)),
  ]);
}
