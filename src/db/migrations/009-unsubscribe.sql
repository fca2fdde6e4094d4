-- One-click unsubscribe (RFC 8058): each request that created a suppression through POST /u/{token},
-- with the evidence (token form and the token itself, request time) and the time from request received
-- to suppression committed, in milliseconds.
CREATE TABLE unsubscribe_requests (
  id                     INTEGER PRIMARY KEY,
  suppression_id         INTEGER REFERENCES suppressions (id) ON DELETE SET NULL,
  address                TEXT NOT NULL,
  client_id              INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  token_form             TEXT NOT NULL CHECK (token_form IN ('full', 'compact')),
  token                  TEXT NOT NULL,
  received_at            TEXT NOT NULL,
  committed_at           TEXT NOT NULL,
  time_to_suppression_ms REAL NOT NULL
);
CREATE INDEX unsubscribe_requests_suppression ON unsubscribe_requests (suppression_id);
