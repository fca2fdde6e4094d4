-- Attribution and actions: which client/campaign a report is charged to and why, the
-- suppressions it caused, and the tickets staff work from.
ALTER TABLE reports ADD COLUMN client_id INTEGER REFERENCES clients (id) ON DELETE CASCADE;
ALTER TABLE reports ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;
ALTER TABLE reports ADD COLUMN attribution TEXT;      -- JSON: method, confidence, reason, hits
ALTER TABLE reports ADD COLUMN decisions TEXT;        -- JSON: every action decision with its reason
ALTER TABLE reports ADD COLUMN ticket_id TEXT;
CREATE INDEX reports_client ON reports (client_id, kind, created_at);
CREATE INDEX reports_campaign ON reports (campaign_id, kind, created_at);
-- duplicate-report check: the same report (Message-ID) delivered again has no second effect
CREATE INDEX messages_message_id ON messages (message_id);

CREATE TABLE suppressions (
  id                 INTEGER PRIMARY KEY,
  address            TEXT NOT NULL,                  -- lower-case
  client_id          INTEGER REFERENCES clients (id) ON DELETE CASCADE,   -- NULL: global
  reason             TEXT NOT NULL CHECK (reason IN ('complaint', 'opt-out', 'bounce', 'unsubscribe', 'manual', 'trap')),
  evidence_report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL,
  first_seen         TEXT NOT NULL,
  last_seen          TEXT NOT NULL,
  count              INTEGER NOT NULL DEFAULT 1,
  note               TEXT,
  created_by         TEXT NOT NULL DEFAULT 'system'
);
-- one row per (address, scope, reason); coalesce makes the global scope (NULL) unique too
CREATE UNIQUE INDEX suppressions_key ON suppressions (address, coalesce(client_id, 0), reason);
CREATE INDEX suppressions_client ON suppressions (client_id, last_seen);

CREATE TABLE tickets (
  id           TEXT PRIMARY KEY,                     -- AD-7KQ2MX: short, unguessable
  type         TEXT NOT NULL CHECK (type IN ('incident', 'complaint', 'auth-failure', 'unmatched', 'other', 'unsubscribe')),
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
  subject      TEXT NOT NULL,
  client_id    INTEGER REFERENCES clients (id) ON DELETE CASCADE,
  campaign_id  INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
  parent_id    TEXT REFERENCES tickets (id) ON DELETE SET NULL,   -- a human complaint's incident
  incident_key TEXT UNIQUE,                          -- 'client:campaign' for incident tickets
  reporter     TEXT,
  trusted      INTEGER NOT NULL DEFAULT 0,
  flags        TEXT NOT NULL DEFAULT '[]',           -- JSON policy flags
  report_count INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  resolved_at  TEXT
);
CREATE INDEX tickets_status ON tickets (status, updated_at);
CREATE INDEX tickets_client ON tickets (client_id, updated_at);

CREATE TABLE ticket_events (
  id        INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  at        TEXT NOT NULL,
  type      TEXT NOT NULL CHECK (type IN ('report', 'action', 'mail', 'note', 'status', 'reply')),
  actor     TEXT NOT NULL DEFAULT 'system',
  text      TEXT NOT NULL,
  data      TEXT,                                   -- JSON
  report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Acknowledgements sent per address per day (daily cap) — counted from the outbox would need a join per check.
CREATE TABLE ack_counts (
  address TEXT NOT NULL,
  day     TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (address, day)
);
