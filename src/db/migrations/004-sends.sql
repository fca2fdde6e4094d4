-- The send log: one row per message sent to one recipient, fed by the ESP (`abusedesk import sends`, API).
-- Attribution finds a report's original here by Message-ID; compact trace tokens carry a row id of this table,
-- so a re-import must keep ids stable (upsert on message_id + recipient, never delete and re-insert).
CREATE TABLE sends (
  id             INTEGER PRIMARY KEY,
  message_id     TEXT,                             -- normalized: lower-case, no angle brackets
  recipient      TEXT NOT NULL,                    -- lower-case address
  client_id      INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  campaign_id    INTEGER REFERENCES campaigns (id) ON DELETE CASCADE,
  sent_at        TEXT NOT NULL,                    -- ISO 8601 UTC
  consent_method TEXT CHECK (consent_method IN ('confirmed-opt-in', 'single-opt-in', 'implicit', 'trade-show', 'affiliate', 'rented', 'bought', 'harvested', 'other')),
  consent_at     TEXT,
  consent_ip     TEXT,
  consent_source TEXT,
  created_at     TEXT NOT NULL
);
-- Re-importing the same send is idempotent; also serves lookups by message_id alone (leftmost column).
CREATE UNIQUE INDEX sends_message_recipient ON sends (message_id, recipient);
CREATE INDEX sends_client_recipient ON sends (client_id, recipient);
-- Deleting a campaign cascades here; without this index every campaign delete scans all sends.
CREATE INDEX sends_campaign ON sends (campaign_id);
