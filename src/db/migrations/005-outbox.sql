-- Durable outbox: mail (and later webhooks) queued inside the actions
-- transaction and delivered by the outbox sender with retries. A row is the unit of delivery:
-- `pending` until delivered (`sent`) or given up on (`failed`, with its last error, kept for staff).
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('mail', 'webhook')),
  dedupe_key      TEXT UNIQUE,                      -- the same action queued twice is delivered once
  payload         TEXT NOT NULL,                    -- JSON: an OutgoingMail for kind 'mail'
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,                    -- ISO time the row is due (also the claim lease while sending)
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  ticket_id       TEXT,                             -- what the delivery is about (timeline, staff)
  report_id       INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_ticket ON outbox (ticket_id);
