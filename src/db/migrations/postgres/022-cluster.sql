-- Several nodes, one database: see ../022-cluster.sql.
ALTER TABLE messages ADD COLUMN source_key TEXT COLLATE "C";
ALTER TABLE messages ADD COLUMN claimed_by TEXT COLLATE "C";
ALTER TABLE messages ADD COLUMN claim_expires_at TEXT COLLATE "C";
CREATE INDEX messages_claims ON messages (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE job_leases (
  name       TEXT COLLATE "C" PRIMARY KEY,
  holder     TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  taken_at   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE cluster_nodes (
  id         TEXT COLLATE "C" PRIMARY KEY,
  started_at TEXT COLLATE "C" NOT NULL,
  seen_at    TEXT COLLATE "C" NOT NULL,
  smtp       TEXT COLLATE "C",
  http       TEXT COLLATE "C"
);
