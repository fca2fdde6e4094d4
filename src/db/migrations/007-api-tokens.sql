-- API tokens: bearer tokens for /api/v1 with a role. Only a SHA-256 hash of the secret is kept;
-- `prefix` (the first characters of the token, not secret) finds the candidate row, whose hash is then
-- compared in constant time.
CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'admin')),
  prefix       TEXT NOT NULL,
  hash         TEXT NOT NULL UNIQUE,                -- hex SHA-256 of the whole token
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_tokens_prefix ON api_tokens (prefix);

-- Audit log: one row per state-changing staff action (API, web UI, CLI).
CREATE TABLE audit_log (
  id     INTEGER PRIMARY KEY,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,                             -- token:platform, user:alice, cli:root
  action TEXT NOT NULL,                             -- ticket.status, suppression.add, client.suspend…
  target TEXT,                                      -- what it acted on: a ticket id, an address, a client slug
  detail TEXT                                       -- JSON
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target, at);
