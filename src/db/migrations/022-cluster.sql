-- Several nodes, one database. A message is claimed by the node processing it until claim_expires_at; a node
-- that dies leaves its claims to expire, and another node takes them over. source_key (the client's /24 or /64,
-- or source:<source>) is written at intake, so fair scheduling needs no per-engine function.
ALTER TABLE messages ADD COLUMN source_key TEXT;
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE messages ADD COLUMN claim_expires_at TEXT;
CREATE INDEX messages_claims ON messages (claimed_by) WHERE claimed_by IS NOT NULL;

-- Singleton jobs (enforcement sweeper, retention purge, outbox and webhook senders, suppression relay): a job
-- runs on the node holding its lease, renewed while it lives; an expired lease is taken by another node.
CREATE TABLE job_leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  taken_at   TEXT NOT NULL
);

-- The nodes sharing this database, as each last reported itself.
CREATE TABLE cluster_nodes (
  id         TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  seen_at    TEXT NOT NULL,
  smtp       TEXT,
  http       TEXT
);
