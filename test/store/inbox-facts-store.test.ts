import { describe, expect, it } from 'vitest';
import { setInboxFacts, type InboxFacts } from '../../src/store/inbox-facts-store.ts';
import { createTicket } from '../../src/store/tickets-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/** The inbox columns of a ticket come from its first report; a later report only fills what is still missing. */
describe('a ticket keeps its first inbox facts and gains the missing ones, on either engine', () => {
  const t = eachTestDatabase();
  const none: InboxFacts = {
    originalSubject: null,
    sender: null,
    provider: null,
    sendingDomain: null,
    sourceIp: null,
  };
  const facts = (id: string) =>
    t.db
      .prepare(
        'SELECT original_subject AS subject, sender, provider, sending_domain AS domain, source_ip AS ip FROM tickets WHERE id = ?',
      )
      .get(id);

  it('fills only missing facts, never replaces one', () => {
    const id = createTicket(t.db, {
      type: 'incident',
      subject: 'Complaints and bounces: acme',
      clientId: null,
      campaignId: null,
      incidentKey: 'k1',
      trusted: false,
      now: new Date('2026-12-01T00:00:00Z'),
    });
    setInboxFacts(t.db, id, { ...none, originalSubject: 'Spring sale', provider: 'yahoo' });
    expect(facts(id)).toEqual({
      subject: 'Spring sale',
      sender: null,
      provider: 'yahoo',
      domain: null,
      ip: null,
    });
    // A later report: its own subject and provider do not replace the first one's; what was missing is filled.
    setInboxFacts(t.db, id, {
      originalSubject: 'Other offer',
      sender: 'fbl@provider.example',
      provider: 'gmail',
      sendingDomain: 'news.acme.example',
      sourceIp: '192.0.2.7',
    });
    const full = {
      subject: 'Spring sale',
      sender: 'fbl@provider.example',
      provider: 'yahoo',
      domain: 'news.acme.example',
      ip: '192.0.2.7',
    };
    expect(facts(id)).toEqual(full);
    // Reports with nothing new (or nothing at all) leave the ticket as it is.
    setInboxFacts(t.db, id, { ...none, sender: 'someone@else.example' });
    setInboxFacts(t.db, id, none);
    expect(facts(id)).toEqual(full);
  });
});
