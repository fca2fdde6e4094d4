-- One report per processed message: what the parse stages (authenticate, classify, extract) made of it.
-- UNIQUE(message_id) makes re-processing the same message replace, never duplicate, its report.
CREATE TABLE reports (
  id                  INTEGER PRIMARY KEY,
  message_id          INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  kind                TEXT NOT NULL CHECK (kind IN ('fbl', 'complaint', 'bounce', 'auth-failure', 'autoreply', 'unsubscribe', 'reply', 'other')),
  reason              TEXT NOT NULL,
  feedback_type       TEXT,
  provider            TEXT,
  trusted             INTEGER NOT NULL DEFAULT 0,
  reporter            TEXT,
  complainants        TEXT NOT NULL DEFAULT '[]',   -- JSON array of addresses
  redacted            INTEGER NOT NULL DEFAULT 0,
  original_message_id TEXT,
  parsed              TEXT NOT NULL,                -- the whole ParsedReport (JSON), as `abusedesk parse` prints it
  created_at          TEXT NOT NULL
);
CREATE INDEX reports_kind ON reports (kind, created_at);
CREATE INDEX reports_original ON reports (original_message_id);
