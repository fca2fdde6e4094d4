-- The staff inbox: what its columns show, kept on the ticket so that paging, sorting and searching read one
-- table through indexes instead of every ticket's reports (parsed JSON).
ALTER TABLE tickets ADD COLUMN original_subject TEXT;   -- the reported original's Subject; a message's own for other/reply
ALTER TABLE tickets ADD COLUMN sender TEXT;             -- who sent the first report (From mailbox, else MAIL FROM)
ALTER TABLE tickets ADD COLUMN provider TEXT;           -- feedback-loop / mailbox provider of the first report
ALTER TABLE tickets ADD COLUMN sending_domain TEXT;     -- domain the reported original was sent from
ALTER TABLE tickets ADD COLUMN source_ip TEXT;          -- IP the reported original was sent from (ARF Source-IP)

-- Keyset paging: newest first, or most recently active first, within a status or across all of them.
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_status_created ON tickets (status, created_at, id);

-- Exact identifiers a report on a ticket names, lower-cased (Message-IDs without angle brackets), so that a
-- search for a complainant address, Message-ID, queue id, source IP or sending domain is one index lookup.
-- Each row belongs to the report that named it: deleting the report (retention, client deletion) removes it.
CREATE TABLE ticket_terms (
  term      TEXT NOT NULL,
  kind      TEXT NOT NULL,                                   -- address, reporter, message-id, queue-id, source-ip, sending-domain
  ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  PRIMARY KEY (term, ticket_id, report_id, kind)
) WITHOUT ROWID;
CREATE INDEX ticket_terms_ticket ON ticket_terms (ticket_id);
CREATE INDEX ticket_terms_report ON ticket_terms (report_id);

-- Backfill: every report already recorded on a ticket (its own ticket and its incident).
CREATE TEMP TABLE inbox_backfill AS
SELECT DISTINCT e.ticket_id, r.id AS report_id, r.kind, r.reporter, r.provider, r.parsed, r.attribution,
  r.original_message_id, m.queue_id, m.mail_from, m.headers,
  coalesce(json_extract(r.parsed, '$.original.from'), json_extract(r.parsed, '$.original.returnPath')) AS original_from
FROM ticket_events e JOIN reports r ON r.id = e.report_id JOIN messages m ON m.id = r.message_id
WHERE e.report_id IS NOT NULL AND e.type IN ('report', 'reply');

INSERT OR IGNORE INTO ticket_terms (term, kind, ticket_id, report_id)
SELECT lower(c.value), 'address', b.ticket_id, b.report_id FROM inbox_backfill b, json_each(b.parsed, '$.complainants') c
WHERE c.type = 'text' AND instr(c.value, '@') > 0
UNION SELECT lower(json_extract(b.attribution, '$.recipient')), 'address', b.ticket_id, b.report_id FROM inbox_backfill b
WHERE json_extract(b.attribution, '$.recipient') IS NOT NULL
UNION SELECT lower(b.reporter), 'reporter', b.ticket_id, b.report_id FROM inbox_backfill b WHERE b.reporter IS NOT NULL
UNION SELECT lower(trim(b.original_message_id, '<> ')), 'message-id', b.ticket_id, b.report_id FROM inbox_backfill b
WHERE b.original_message_id IS NOT NULL AND trim(b.original_message_id, '<> ') <> ''
UNION SELECT lower(b.queue_id), 'queue-id', b.ticket_id, b.report_id FROM inbox_backfill b
UNION SELECT lower(json_extract(b.parsed, '$.sourceIp')), 'source-ip', b.ticket_id, b.report_id FROM inbox_backfill b
WHERE json_extract(b.parsed, '$.sourceIp') IS NOT NULL
UNION SELECT lower(rtrim(substr(b.original_from, instr(b.original_from, '@') + 1), '> .')), 'sending-domain', b.ticket_id, b.report_id
FROM inbox_backfill b WHERE instr(b.original_from, '@') > 0;

-- A ticket's columns come from the first report recorded on it.
WITH first AS (SELECT ticket_id, min(report_id) AS report_id FROM inbox_backfill GROUP BY ticket_id)
UPDATE tickets SET
  original_subject = CASE WHEN b.kind IN ('other', 'reply') THEN json_extract(b.headers, '$.subject')
    ELSE coalesce(json_extract(b.parsed, '$.original.subject'), json_extract(b.headers, '$.subject')) END,
  sender = coalesce(b.reporter, nullif(b.mail_from, '')),
  provider = b.provider,
  sending_domain = CASE WHEN instr(b.original_from, '@') > 0
    THEN lower(rtrim(substr(b.original_from, instr(b.original_from, '@') + 1), '> .')) END,
  source_ip = json_extract(b.parsed, '$.sourceIp')
FROM first JOIN inbox_backfill b ON b.ticket_id = first.ticket_id AND b.report_id = first.report_id
WHERE tickets.id = first.ticket_id;

-- Tickets for staff triage were all titled alike; they take the message's own subject.
UPDATE tickets SET subject = substr(original_subject, 1, 300)
WHERE type = 'other' AND subject = 'Message for staff triage' AND coalesce(trim(original_subject), '') <> '';

DROP TABLE inbox_backfill;
