-- Clients (the ESP's customer accounts: the tenant), their sending domains, and campaigns.
CREATE TABLE clients (
  id             INTEGER PRIMARY KEY,
  slug           TEXT NOT NULL UNIQUE,           -- stable id used in tokens, CLI and API: acme
  name           TEXT NOT NULL,
  contact_email  TEXT,
  language       TEXT NOT NULL DEFAULT 'en',
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'watch', 'warned', 'suspended')),
  webhook_url    TEXT,
  webhook_secret TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE TABLE client_domains (
  domain    TEXT PRIMARY KEY,                     -- lower-case sending domain: news.acme.example
  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE
);
CREATE INDEX client_domains_client ON client_domains (client_id);
CREATE TABLE campaigns (
  id         INTEGER PRIMARY KEY,
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  slug       TEXT NOT NULL UNIQUE,                -- acme-spring-sale
  name       TEXT NOT NULL,
  sent       INTEGER NOT NULL DEFAULT 0,
  delivered  INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX campaigns_client ON campaigns (client_id, started_at);
