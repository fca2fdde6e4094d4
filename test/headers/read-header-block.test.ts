import { describe, expect, it } from 'vitest';
import { headersStage } from '../../src/headers/headers-stage.ts';
import { headerValue, readHeaderBlock } from '../../src/mime/read-header-block.ts';
import type { StageContext } from '../../src/worker/stage.ts';

describe('readHeaderBlock', () => {
  it('reads the top-level block only: mbox line skipped, CRLF and folding undone, names lower-cased, values undecoded', () => {
    const raw = Buffer.from(
      'From MAILER-DAEMON Mon Nov 23 10:00:00 2026\r\nMessage-ID:\r\n <a@example.org>\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\nSubject: body\r\n',
    );
    const headers = readHeaderBlock(raw);
    expect([...headers.keys()]).toEqual(['message-id', 'subject']);
    expect(headers.get('subject')).toEqual(['=?utf-8?q?caf=C3=A9?=']);
    expect(headerValue(raw, 'Message-ID')).toBe('<a@example.org>');
    expect(headerValue(raw, 'x-missing')).toBeNull();
  });

  it('is what the headers stage hands on: the block is read once per message and carried in the pipeline state', async () => {
    const raw = Buffer.from('From: a@example.org\nSubject: hi\n\nbody\n');
    const out = await headersStage.run!({ raw, state: {} } as unknown as StageContext);
    expect(out.state?.headerBlock?.get('from')).toEqual(['a@example.org']);
    expect(out.state?.headers).toMatchObject({ from: 'a@example.org', subject: 'hi' });
  });
});
