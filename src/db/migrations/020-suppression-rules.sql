-- Suppression rules: expiry by reason, scope per stream, erased addresses kept as a keyed hash, the
-- 'soft-bounce-limit' reason, and a change log that integrators mirror the list from (GET ?since=).
--
-- SQLite cannot alter a CHECK, so the table is rebuilt. Dropping the old table runs its ON DELETE actions
-- (foreign_keys is on inside the migration's transaction): the unsubscribe requests' links are saved first
-- and written back after the rename.
CREATE TEMP TABLE suppression_links_020 AS
  SELECT id, suppression_id FROM unsubscribe_requests WHERE suppression_id IS NOT NULL;

CREATE TABLE suppressions_020 (
  id                 INTEGER PRIMARY KEY,
  address            TEXT NOT NULL,                  -- lower-case address or '@domain'; 'erased:<id>' once erased
  address_hash       TEXT,                           -- erased rows: HMAC-SHA256 of the address (privacy.hashKey)
  client_id          INTEGER REFERENCES clients (id) ON DELETE CASCADE,   -- NULL: global
  stream             TEXT,                           -- NULL: every stream of the scope
  reason             TEXT NOT NULL CHECK (reason IN ('complaint', 'opt-out', 'bounce', 'unsubscribe', 'manual', 'trap', 'soft-bounce-limit')),
  evidence_report_id INTEGER REFERENCES reports (id) ON DELETE SET NULL,
  evidence           TEXT,                           -- JSON array of report ids (the soft-bounce limit's bounces)
  first_seen         TEXT NOT NULL,
  last_seen          TEXT NOT NULL,
  expires_at         TEXT,                           -- NULL: never; checks ignore the row from then on
  count              INTEGER NOT NULL DEFAULT 1,
  note               TEXT,
  created_by         TEXT NOT NULL DEFAULT 'system'
);
INSERT INTO suppressions_020 (id, address, client_id, reason, evidence_report_id, first_seen, last_seen, count, note, created_by)
  SELECT id, address, client_id, reason, evidence_report_id, first_seen, last_seen, count, note, created_by FROM suppressions;
DROP TABLE suppressions;
ALTER TABLE suppressions_020 RENAME TO suppressions;
UPDATE unsubscribe_requests SET suppression_id =
  (SELECT l.suppression_id FROM suppression_links_020 l WHERE l.id = unsubscribe_requests.id)
  WHERE id IN (SELECT id FROM suppression_links_020);
DROP TABLE suppression_links_020;

-- one row per (address, scope, stream, reason); coalesce makes the global scope and "every stream" unique too
CREATE UNIQUE INDEX suppressions_key ON suppressions (address, coalesce(client_id, 0), coalesce(stream, ''), reason);
CREATE INDEX suppressions_client ON suppressions (client_id, last_seen);
CREATE INDEX suppressions_hash ON suppressions (address_hash) WHERE address_hash IS NOT NULL;
CREATE INDEX suppressions_expiry ON suppressions (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX suppressions_seen ON suppressions (last_seen, id);

-- Every change to the list, in order; the id is the sync cursor (AUTOINCREMENT: never reused).
CREATE TABLE suppression_changes (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  change         TEXT NOT NULL CHECK (change IN ('added', 'removed', 'expired', 'erased')),
  suppression_id INTEGER NOT NULL,                   -- no foreign key: the row is gone after a removal
  address        TEXT,                               -- NULL for 'erased' (and after a later erasure)
  address_hash   TEXT,                               -- 'erased' (and rows of an erased address)
  client         TEXT,                               -- client slug; NULL: global
  stream         TEXT,
  reason         TEXT NOT NULL,                      -- the suppression's reason
  why            TEXT,                               -- why it changed (staff reason, 'expired', the rule)
  actor          TEXT NOT NULL,
  at             TEXT NOT NULL,
  webhook_queued INTEGER NOT NULL DEFAULT 0          -- the relay turned it into a webhook event
);
CREATE INDEX suppression_changes_relay ON suppression_changes (id) WHERE webhook_queued = 0;
CREATE INDEX suppression_changes_address ON suppression_changes (address) WHERE address IS NOT NULL;

-- The mail stream of each send (e.g. 'marketing', 'transactional'), for stream-scoped suppressions.
ALTER TABLE sends ADD COLUMN stream TEXT;

-- Each soft bounce of an attributed address, for the soft-bounce limit (client_signals keeps one per campaign).
CREATE TABLE soft_bounces (
  id                  INTEGER PRIMARY KEY,
  client_id           INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  address             TEXT NOT NULL,                 -- lower-case
  report_id           INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  send_id             INTEGER,                       -- the bounced send, when attribution found it
  original_message_id TEXT,                          -- the bounced message's Message-ID (normalized)
  at                  TEXT NOT NULL
);
CREATE UNIQUE INDEX soft_bounces_report ON soft_bounces (report_id, address);
CREATE INDEX soft_bounces_address ON soft_bounces (client_id, address, at);
