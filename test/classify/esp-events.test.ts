import { describe, expect, it } from 'vitest';
import { sesBounceReason } from '../../src/classify/esp-events/amazon-ses.ts';
import { MAX_EVENTS } from '../../src/classify/esp-events/esp-event.ts';
import { jsonValues } from '../../src/classify/esp-events/json-values.ts';
import { parseMessage } from '../../src/parse/parse-message.ts';

/** A mail whose body is the JSON (or text) given, as an ESP notification mailbox would receive it. */
function mail(body: unknown, from = 'Events <events@esp.example>'): Buffer {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return Buffer.from(
    `From: ${from}\nTo: esp-events@esp.example\nSubject: event notification\nDate: Wed, 18 Mar 2026 09:00:00 +0000\nMessage-ID: <evt-1@esp.example>\nContent-Type: text/plain; charset=UTF-8\n\n${text}\n`,
  );
}
const parse = (body: unknown) => parseMessage(mail(body));

const sesMail = {
  timestamp: '2026-03-18T09:00:00.000Z',
  source: 'bounces@esp.example',
  messageId: '0100018e-ses-1',
  destination: ['ann@example.com'],
};
const ses = (type: string, extra: Record<string, unknown>, key = 'notificationType') => ({
  [key]: type,
  mail: sesMail,
  ...extra,
});
const sesBounce = (bounceType: string, bounceSubType: string, r: Record<string, unknown> = {}) =>
  ses('Bounce', {
    bounce: {
      bounceType,
      bounceSubType,
      timestamp: '2026-03-18T09:01:00.000Z',
      bouncedRecipients: [{ emailAddress: 'ann@example.com', action: 'failed', ...r }],
    },
  });

const sg = (event: string, email: string, extra: Record<string, unknown> = {}) => ({
  email,
  timestamp: 1773824400,
  event,
  sg_event_id: `id-${event}-${email}`,
  sg_message_id: 'sg-1',
  ...extra,
});
const mg = (event: string, extra: Record<string, unknown> = {}) => ({
  signature: { token: 't', timestamp: '1773824400', signature: 's' },
  'event-data': { id: 'mg-1', timestamp: 1773824400.5, event, recipient: 'bob@example.net', ...extra },
});
const pm = (Type: string, TypeCode: number, Details = '', extra: Record<string, unknown> = {}) => ({
  RecordType: 'Bounce',
  ID: 1,
  Type,
  TypeCode,
  MessageID: 'pm-1',
  Email: 'cy@example.org',
  Details,
  BouncedAt: '2026-03-18T09:00:00Z',
  ...extra,
});
const sp = (type: string, extra: Record<string, unknown> = {}, group = 'message_event') => ({
  msys: { [group]: { type, event_id: '123', timestamp: '1773824400', rcpt_to: 'dee@example.com', ...extra } },
});

describe('jsonValues', () => {
  it('finds the JSON among prose and footers and skips brackets that are no JSON', () => {
    const text = 'Hello [see below]\n{"a": 1, "s": "}{["}\n--\nfooter (1) {not json}\n[1, 2]';
    expect(jsonValues(text)).toEqual([{ a: 1, s: '}{[' }, [1, 2]]);
  });
  it('is bounded: an unbalanced opening stops the search, and at most a few values come back', () => {
    expect(jsonValues('{"a": [1, 2')).toEqual([]);
    expect(jsonValues('[1] [2] [3] [4] [5] [6]')).toHaveLength(4);
  });
});

describe('guard: only real ESP events', () => {
  it('ignores JSON a person pasted, even with event-like field names', async () => {
    for (const body of [
      { event: 'bounce', email: 'x@example.com' },
      [{ event: 'bounce', email: 'x@example.com', timestamp: 1773824400 }],
      { notificationType: 'Bounce', bounce: { bouncedRecipients: [{ emailAddress: 'x@example.com' }] } },
      { RecordType: 'Bounce', Email: 'x@example.com' },
      [{ msys: { message_event: { type: 'bounce', rcpt_to: 'x@example.com' } } }],
      { 'event-data': { event: 'failed', recipient: 'x@example.com' } },
    ]) {
      const r = await parse(
        `Hi, our logs show this, can you help?\n\n${JSON.stringify(body)}\n\nThanks, Pat`,
      );
      expect(r.provider, JSON.stringify(body)).toBeNull();
      expect(r.kind).not.toBe('bounce');
      expect(r.kind).not.toBe('fbl');
    }
  });
  it('rejects a SendGrid array with one element that is no event', async () => {
    const r = await parse([
      sg('bounce', 'a@example.com', { type: 'bounce', status: '5.1.1' }),
      { note: 'mine' },
    ]);
    expect(r.provider).toBeNull();
  });
  it('reads at most MAX_EVENTS events and says how many it left', async () => {
    const batch = Array.from({ length: MAX_EVENTS + 5 }, (_, i) => sg('delivered', `u${i}@example.com`));
    const r = await parse(batch);
    expect(r.kind).toBe('other');
    expect(r.reason).toContain(`${MAX_EVENTS} events (${MAX_EVENTS} delivered); 5 more not read`);
  });
});

describe('Amazon SES', () => {
  it('maps SES bounce types and subtypes into our reasons', () => {
    const um = 'smtp; 550 5.1.1 user unknown';
    expect(sesBounceReason('Permanent', 'General', um, '5.1.1')).toBe('userunknown');
    expect(sesBounceReason('Permanent', 'General', null, null)).toBe('userunknown');
    expect(
      sesBounceReason('Permanent', 'General', 'smtp; 554 5.7.1 blocked using dnsbl.example.net', '5.7.1'),
    ).toBe('blocklisted');
    expect(sesBounceReason('Permanent', 'NoEmail', null, null)).toBe('userunknown');
    expect(sesBounceReason('Permanent', 'Suppressed', um, '5.1.1')).toBe('suppressed');
    expect(sesBounceReason('Permanent', 'OnAccountSuppressionList', null, null)).toBe('suppressed');
    expect(sesBounceReason('Transient', 'MailboxFull', null, null)).toBe('mailboxfull');
    expect(sesBounceReason('Transient', 'MessageTooLarge', null, null)).toBe('mesgtoobig');
    expect(
      sesBounceReason('Transient', 'ContentRejected', 'smtp; 554 5.7.1 Message rejected as spam', '5.7.1'),
    ).toBe('spamdetected');
    expect(sesBounceReason('Transient', 'ContentRejected', 'smtp; 554 content not accepted', null)).toBe(
      'contenterror',
    );
    expect(
      sesBounceReason('Transient', 'AttachmentRejected', 'smtp; 554 virus found in attachment', null),
    ).toBe('virusdetected');
    expect(
      sesBounceReason('Transient', 'AttachmentRejected', 'smtp; 554 attachment type not allowed', null),
    ).toBe('contenterror');
    expect(sesBounceReason('Transient', 'General', um, '5.1.1')).toBe('userunknown');
    expect(sesBounceReason('Undetermined', 'Undetermined', null, null)).toBe('undefined');
  });
  it('is hard only for a Permanent bounce with a dead-address reason', async () => {
    const hard = await parse(
      sesBounce('Permanent', 'General', { status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }),
    );
    expect(hard.bounces[0]).toMatchObject({ reason: 'userunknown', hard: true });
    const transient = await parse(
      sesBounce('Transient', 'General', { status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }),
    );
    expect(transient.bounces[0]).toMatchObject({ reason: 'userunknown', hard: false });
    const suppressed = await parse(sesBounce('Permanent', 'Suppressed', { status: '5.1.1' }));
    expect(suppressed.bounces[0]).toMatchObject({ reason: 'suppressed', hard: false });
  });
  it('takes remoteMtaIp from the bounce object', async () => {
    const body = sesBounce('Permanent', 'General', { status: '5.1.1' });
    (body.bounce as Record<string, unknown>).remoteMtaIp = '198.51.100.5';
    expect((await parse(body)).bounces[0]!.remoteMta).toBe('198.51.100.5');
  });
  it('keeps not-spam and defaults a missing complaintFeedbackType to abuse', async () => {
    const complaint = (extra: Record<string, unknown>) =>
      ses(
        'Complaint',
        {
          complaint: {
            complainedRecipients: [{ emailAddress: 'ann@example.com' }],
            timestamp: '2026-03-18T09:02:00.000Z',
            ...extra,
          },
        },
        'eventType',
      );
    const notSpam = await parse(complaint({ complaintFeedbackType: 'not-spam' }));
    expect(notSpam).toMatchObject({
      kind: 'fbl',
      feedbackType: 'not-spam',
      complainants: ['ann@example.com'],
      provider: 'amazon-ses',
    });
    const bare = await parse(complaint({}));
    expect(bare).toMatchObject({ kind: 'fbl', feedbackType: 'abuse', arrivalDate: '2026-03-18T09:02:00Z' });
  });
  it('treats a complaint on the account-level suppression list as a suppressed send, not a new complaint', async () => {
    const r = await parse(
      ses('Complaint', {
        complaint: {
          complainedRecipients: [{ emailAddress: 'ann@example.com' }],
          complaintSubType: 'OnAccountSuppressionList',
        },
      }),
    );
    expect(r.kind).toBe('bounce');
    expect(r.bounces[0]).toMatchObject({ recipient: 'ann@example.com', reason: 'suppressed', hard: false });
  });
  it('makes Delivery, Send, Open, Click, Reject and Rendering Failure kind other, naming the event', async () => {
    for (const type of ['Delivery', 'Send', 'Open', 'Click', 'Reject', 'Rendering Failure']) {
      const r = await parse(ses(type, {}, 'eventType'));
      expect(r.kind, type).toBe('other');
      expect(r.reason).toContain(type);
      expect(r.provider).toBe('amazon-ses');
    }
  });
  it('falls back to the SES message id when no Message-ID header is known', async () => {
    const r = await parse(ses('Delivery', {}));
    expect(r.original?.messageId).toBe('<0100018e-ses-1>');
  });
  it('unwraps the SNS envelope', async () => {
    const r = await parse({
      Type: 'Notification',
      MessageId: 'm',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      Message: JSON.stringify(sesBounce('Transient', 'MailboxFull')),
    });
    expect(r).toMatchObject({ kind: 'bounce', provider: 'amazon-ses' });
    expect(r.reason).toContain('(SNS)');
    expect(r.bounces[0]).toMatchObject({ reason: 'mailboxfull', hard: false });
  });
});

describe('SendGrid', () => {
  it('chooses the kind by priority and keeps every bounced recipient, counting each event type', async () => {
    const r = await parse([
      sg('delivered', 'a@example.com'),
      sg('bounce', 'b@example.com', { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 user unknown' }),
      sg('unsubscribe', 'c@example.com'),
      sg('spamreport', 'd@example.com'),
      sg('dropped', 'e@example.com', { reason: 'Invalid', status: '5.0.0' }),
    ]);
    expect(r).toMatchObject({
      kind: 'fbl',
      provider: 'sendgrid',
      feedbackType: 'abuse',
      complainants: ['d@example.com'],
    });
    expect(r.bounces.map((b) => [b.recipient, b.reason, b.hard])).toEqual([
      ['b@example.com', 'userunknown', true],
      ['e@example.com', 'userunknown', true],
    ]);
    expect(r.reason).toContain(
      '5 events (1 delivered, 1 bounce (bounce), 1 unsubscribe, 1 spamreport, 1 dropped)',
    );
    const unsub = await parse([sg('delivered', 'a@example.com'), sg('unsubscribe', 'c@example.com')]);
    expect(unsub).toMatchObject({
      kind: 'unsubscribe',
      reporter: 'c@example.com',
      complainants: ['c@example.com'],
    });
  });
  it('maps blocked, dropped and deferred to soft bounces', async () => {
    const r = await parse([
      sg('bounce', 'a@example.com', { type: 'blocked', status: '5.1.1', reason: '550 5.1.1 user unknown' }),
      sg('dropped', 'b@example.com', { reason: 'Unsubscribed Address', status: '5.0.0' }),
      sg('dropped', 'c@example.com', { reason: 'Spam Reporting Address', status: '5.0.0' }),
      sg('deferred', 'd@example.com', {
        response: '450 4.2.1 receiving mail at a rate that prevents additional messages',
        attempt: '2',
      }),
    ]);
    expect(r.kind).toBe('bounce');
    expect(r.bounces.map((b) => [b.reason, b.action, b.hard])).toEqual([
      ['userunknown', 'failed', false],
      ['suppressed', 'failed', false],
      ['suppressed', 'failed', false],
      ['ratelimited', 'delayed', false],
    ]);
  });
  it('says a batch of delays only is a warning', async () => {
    const r = await parse([sg('deferred', 'd@example.com', { response: '421 4.4.1 timed out' })]);
    expect(r.kind).toBe('bounce');
    expect(r.reason).toMatch(/^delayed delivery \(warning only\)/);
  });
});

describe('Mailgun', () => {
  it('maps failure reasons and severity', async () => {
    const failed = async (severity: string, reason: string, ds: Record<string, unknown> = {}) =>
      (await parse(mg('failed', { severity, reason, 'delivery-status': ds }))).bounces[0];
    expect(
      await failed('permanent', 'suppress-bounce', {
        code: 605,
        message: 'Not delivering to previously bounced address',
      }),
    ).toMatchObject({ reason: 'suppressed', hard: false });
    expect(await failed('permanent', 'old')).toMatchObject({ reason: 'expired', hard: false });
    expect(
      await failed('permanent', 'bounce', {
        code: 550,
        message: '5.1.1 user unknown',
        'mx-host': 'mx.example.net',
      }),
    ).toMatchObject({
      reason: 'userunknown',
      hard: true,
      status: '5.1.1',
      remoteMta: 'mx.example.net',
      diagnostic: '550 5.1.1 user unknown',
    });
    expect(await failed('temporary', 'generic', { code: 452, message: '4.2.2 mailbox full' })).toMatchObject({
      reason: 'mailboxfull',
      action: 'delayed',
      hard: false,
    });
  });
  it('reads an Events API page of items', async () => {
    const items = [mg('delivered')['event-data'], mg('complained')['event-data']];
    const r = await parse({ items, paging: { next: 'https://api.mailgun.example/next' } });
    expect(r).toMatchObject({ kind: 'fbl', provider: 'mailgun', complainants: ['bob@example.net'] });
  });
});

describe('Postmark', () => {
  it('maps bounce types (by name or TypeCode) into our reasons', async () => {
    const one = async (b: unknown) => (await parse(b)).bounces[0];
    expect(await one(pm('HardBounce', 1, 'smtp;550 5.1.1 user unknown'))).toMatchObject({
      reason: 'userunknown',
      hard: true,
    });
    expect(await one(pm('BadEmailAddress', 100000))).toMatchObject({ reason: 'userunknown', hard: true });
    expect(await one(pm('SoftBounce', 4096, 'smtp;550 5.1.1 user unknown'))).toMatchObject({
      reason: 'userunknown',
      hard: false,
    });
    expect(await one(pm('Transient', 2, 'smtp;421 4.4.1 timed out'))).toMatchObject({
      action: 'delayed',
      hard: false,
    });
    expect(await one(pm('Blocked', 100006, 'smtp;554 5.7.1 blocked using dnsbl.example.net'))).toMatchObject({
      reason: 'blocklisted',
      hard: false,
    });
    expect(await one(pm('SpamNotification', 512))).toMatchObject({ reason: 'spamdetected', hard: false });
    expect(await one(pm('ManuallyDeactivated', 100002))).toMatchObject({ reason: 'suppressed' });
    expect(await one({ ...pm('', 8192), Type: undefined })).toMatchObject({ reason: 'virusdetected' });
  });
  it('makes AutoResponder other and the Unsubscribe bounce type an unsubscribe', async () => {
    expect((await parse(pm('AutoResponder', 64))).kind).toBe('other');
    expect(await parse(pm('Unsubscribe', 16))).toMatchObject({
      kind: 'unsubscribe',
      reporter: 'cy@example.org',
    });
  });
  it('counts a SubscriptionChange as an unsubscribe only when the recipient suppressed sending', async () => {
    const change = (Origin: string, SuppressSending: boolean) => ({
      RecordType: 'SubscriptionChange',
      MessageID: 'pm-1',
      Recipient: 'cy@example.org',
      ChangedAt: '2026-03-18T09:00:00Z',
      Origin,
      SuppressSending,
      SuppressionReason: 'ManualSuppression',
    });
    expect((await parse(change('Recipient', true))).kind).toBe('unsubscribe');
    expect((await parse(change('Customer', true))).kind).toBe('other');
    expect((await parse(change('Recipient', false))).kind).toBe('other');
  });
});

describe('SparkPost', () => {
  it('maps bounce classes with SparkPost’s own hard/soft verdict', async () => {
    const cls = async (bounce_class: string, raw_reason = '') =>
      (await parse([sp('bounce', { bounce_class, raw_reason })])).bounces[0];
    expect(await cls('10', '550 5.1.1 user unknown')).toMatchObject({ reason: 'userunknown', hard: true });
    expect(await cls('30')).toMatchObject({ reason: 'userunknown', hard: true });
    expect(await cls('20', '550 5.1.1 user unknown')).toMatchObject({ reason: 'userunknown', hard: false });
    expect(await cls('21')).toMatchObject({ reason: 'networkerror', hard: false });
    expect(await cls('22')).toMatchObject({ reason: 'mailboxfull' });
    expect(await cls('23')).toMatchObject({ reason: 'mesgtoobig' });
    expect(await cls('24')).toMatchObject({ reason: 'expired' });
    expect(await cls('25')).toMatchObject({ reason: 'suppressed' });
    expect(await cls('50')).toMatchObject({ reason: 'blocked' });
    expect(await cls('51')).toMatchObject({ reason: 'badreputation' });
    expect(await cls('52')).toMatchObject({ reason: 'spamdetected' });
    expect(await cls('53', '554 virus detected')).toMatchObject({ reason: 'virusdetected' });
    expect(await cls('54')).toMatchObject({ reason: 'norelaying' });
  });
  it('makes classes 60/80/100 other and 90 an unsubscribe', async () => {
    expect((await parse([sp('out_of_band', { bounce_class: '60' })])).kind).toBe('other');
    expect((await parse([sp('bounce', { bounce_class: '100' })])).kind).toBe('other');
    expect(await parse([sp('bounce', { bounce_class: '90' })])).toMatchObject({
      kind: 'unsubscribe',
      reporter: 'dee@example.com',
    });
  });
  it('reads complaints with fbtype and unsubscribe events', async () => {
    expect(await parse([sp('spam_complaint', { fbtype: 'abuse', user_agent: 'FBL/1' })])).toMatchObject({
      kind: 'fbl',
      feedbackType: 'abuse',
      userAgent: 'FBL/1',
      provider: 'sparkpost',
    });
    expect(await parse([sp('link_unsubscribe', {}, 'unsubscribe_event')])).toMatchObject({
      kind: 'unsubscribe',
      complainants: ['dee@example.com'],
    });
  });
});

describe('ESP events carry no reporter words', () => {
  it('an unsubscribe event is the recipient’s, but its JSON is not a person’s message to staff', async () => {
    const r = await parse([sg('unsubscribe', 'ann@example.com')]);
    expect(r.kind).toBe('unsubscribe');
    expect(r.reporterText).toBeUndefined();
  });
});
