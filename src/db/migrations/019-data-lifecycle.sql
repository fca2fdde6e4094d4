-- Data lifecycle: retention purges by age, erasure of a person's address, and deleted clients.

-- A message whose raw bytes were deleted keeps its row (queue id, state, times) with when and why:
-- 'retention' (older than retention.rawMessagesDays) or 'erasure' (it named an erased address).
ALTER TABLE messages ADD COLUMN raw_purged_at TEXT;
ALTER TABLE messages ADD COLUMN raw_purge_reason TEXT;
-- A report whose parsed detail (addresses, original, identifiers, decision targets) was removed by retention keeps
-- kind, client, campaign and time, so rates and history still count it.
ALTER TABLE reports ADD COLUMN purged_at TEXT;

-- Retention finds its rows by age without scanning what it already purged.
CREATE INDEX reports_unpurged ON reports (created_at) WHERE purged_at IS NULL;
CREATE INDEX tickets_resolved ON tickets (status, resolved_at);
CREATE INDEX outbox_finished ON outbox (state, created_at);

-- One row per erasure: never the address, only its keyed hash (privacy.hashKey), who asked, and what was touched.
CREATE TABLE erasures (
  id     INTEGER PRIMARY KEY,
  hash   TEXT NOT NULL,                              -- HMAC-SHA256 hex of the trimmed lower-cased address
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  counts TEXT NOT NULL                               -- JSON: rows deleted or redacted per table, files removed
);
CREATE INDEX erasures_hash ON erasures (hash);

-- Rows removed by retention per data type since the database was created (the purge metrics read it, so
-- purges by `abusedesk db purge` and by serve's schedule count alike and survive a restart).
CREATE TABLE retention_totals (
  type        TEXT PRIMARY KEY,
  purged      INTEGER NOT NULL DEFAULT 0,
  last_run_at TEXT
);
