import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverAndProcess,
  startTestService,
  tempDataDir,
  ticketOfQueued,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';

const head = (n: string, type: string): string =>
  `From: Hostile <hostile@example.net>\r\nTo: abuse@esp.example\r\nSubject: hostile ${n}\r\nMessage-ID: <hostile-mime-${n}@example.net>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: ${type}\r\n`;

/** 2,000 multiparts nested in one another. */
function deepNesting(): string {
  const depth = 2000;
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`;
    close = `\r\n--b${i}--\r\n` + close;
  }
  return `${head('deep', 'multipart/mixed; boundary="b0"')}\r\n${open}--b${depth}\r\nContent-Type: text/plain\r\n\r\nbottom\r\n--b${depth}--\r\n${close}`;
}

/** 10,000 sibling parts. */
function manyParts(): string {
  const parts: string[] = [];
  for (let i = 0; i < 10_000; i++) parts.push(`--p\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`);
  return `${head('many', 'multipart/mixed; boundary="p"')}\r\n${parts.join('')}--p--\r\n`;
}

/** Base64 that is not base64, in a charset nobody knows, next to an HTML part with broken quoted-printable. */
function brokenBase64(): string {
  return `${head('b64', 'multipart/alternative; boundary="x"')}\r\n--x\r\nContent-Type: text/plain; charset="x-no-such-charset"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all===\r\n====\r\n@@@@\r\n--x\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>broken =ZZ =\r\n--x\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%%\r\n--x--\r\n`;
}

/** A header block of about 2 MB (one Subject folded over 40,000 lines). */
function hugeHeader(): string {
  const folded = Array.from({ length: 40_000 }, (_, i) => ` fold ${i} ${'x'.repeat(40)}`).join('\r\n');
  return `${head('huge', 'text/plain')}X-Huge:${folded}\r\n\r\nbody after a huge header\r\n`;
}

describe('ticket page with hostile MIME in its report', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  let cookie: string;
  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
    cookie = (await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password)).cookie;
  }, 30_000);
  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  const ticketOf = (queueId: string): string => ticketOfQueued(svc, queueId);

  it.each([
    ['deep nesting', deepNesting, 'MIME nesting deeper than'],
    ['10,000 parts', manyParts, 'more than 500 MIME parts'],
    ['broken base64 and charset', brokenBase64, 'Attached message/rfc822'],
    ['a 2 MB header block', hugeHeader, 'header block larger than'],
  ])(
    '%s: the page renders (200), never a 500',
    async (_name, build, shown) => {
      const queueId = await deliverAndProcess(svc, 'abuse@esp.example', build());
      const ticket = ticketOf(queueId);
      expect(ticket).toMatch(/^AD-/);
      for (const url of [`/ui/tickets/${ticket}`, `/ui/tickets/${ticket}?html=1`]) {
        const page = await svc.http.inject({ method: 'GET', url, headers: { cookie } });
        expect(page.statusCode, `${url}: ${page.body.slice(0, 300)}`).toBe(200);
        expect(page.body).toContain('aria-label="Message headers"');
      }
      const page = await svc.http.inject({
        method: 'GET',
        url: `/ui/tickets/${ticket}`,
        headers: { cookie },
      });
      expect(page.body.replace(/&lt;/g, '<')).toContain(shown);
      expect(svc.lines.filter((l) => l.event === 'http.error')).toEqual([]);
    },
    60_000,
  );

  it('a page that does fail answers 500 and logs http.error with the request and the stack', async () => {
    const queueId = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      `${head('fail', 'text/plain')}\r\nfine message\r\n`,
    );
    const ticket = ticketOf(queueId);
    svc.db.exec('ALTER TABLE message_raw RENAME TO message_raw_hidden');
    try {
      const page = await svc.http.inject({
        method: 'GET',
        url: `/ui/tickets/${ticket}`,
        headers: { cookie },
      });
      expect(page.statusCode).toBe(500);
      expect(page.body).toContain('Something went wrong on our side.');
    } finally {
      svc.db.exec('ALTER TABLE message_raw_hidden RENAME TO message_raw');
    }
    const logged = svc.lines.filter((l) => l.event === 'http.error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ method: 'GET', url: `/ui/tickets/${ticket}`, status: 500 });
    expect(String(logged[0]!.err)).toMatch(/message_raw/);
  }, 30_000);
});
