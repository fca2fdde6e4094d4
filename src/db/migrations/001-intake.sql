-- Intake log: every accepted message, its envelope and processing state. Raw bytes live in
-- message_raw so that scanning the log never reads message bodies.
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,             -- arrival order
  queue_id        TEXT NOT NULL UNIQUE,             -- told to the client in the 250 reply
  received_at     TEXT NOT NULL,                    -- ISO 8601 UTC
  source          TEXT NOT NULL DEFAULT 'smtp',     -- smtp | ingest
  mail_from       TEXT NOT NULL,                    -- '' for the null sender <>
  rcpt_to         TEXT NOT NULL,                    -- JSON array
  client_ip       TEXT,
  client_hostname TEXT,
  helo            TEXT,
  tls             TEXT,                             -- JSON {protocol, cipher} or NULL
  size            INTEGER NOT NULL,
  sha256          TEXT NOT NULL UNIQUE,             -- a client's retry of the very same message is stored once
  message_id      TEXT,
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'quarantined')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,                             -- NULL: due now
  last_error      TEXT,
  processed_at    TEXT,
  headers         TEXT,                             -- JSON: what the headers stage read
  stages          TEXT                              -- JSON: the stage trail [{stage, outcome, reason, ms}]
);
CREATE INDEX messages_due ON messages (state, id);
CREATE TABLE message_raw (
  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw        BLOB NOT NULL
);
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
