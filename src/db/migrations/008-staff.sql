-- Staff accounts for the web UI. Passwords: scrypt (N=16384, r=8, p=1) with a per-user salt,
-- stored as `scrypt$N$r$p$salt$hash` so parameters can be raised later without a migration.
CREATE TABLE staff_users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,               -- lower-case login
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'admin')),
  created_at    TEXT NOT NULL,
  disabled_at   TEXT
);

-- Login sessions: the cookie carries 32 random bytes; only their SHA-256 is stored, so a copy of the
-- database does not hand out live sessions. `csrf` is the per-session token every POST form carries.
CREATE TABLE staff_sessions (
  id         TEXT PRIMARY KEY,                      -- hex SHA-256 of the cookie value
  user_id    INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
