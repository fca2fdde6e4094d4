-- Enforcement: the signals each report or unsubscribe adds to a client's record, the send volume per
-- mailbox provider and day (for rates per provider and the share of deliveries to feedback-loop providers), the
-- client's status history with evidence and consent answers, the spam-trap list, and the score.

-- One row per signal per recipient: a recipient complaining twice about one campaign is one complaint.
-- `counts` = 1 when the signal may move a client automatically (DKIM-verified FBL, or proven by a trace token);
-- unverified signals are kept (counts = 0) and shown, never counted.
CREATE TABLE client_signals (
  id               INTEGER PRIMARY KEY,
  client_id        INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  campaign_id      INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
  signal           TEXT NOT NULL CHECK (signal IN ('complaint', 'hard-bounce', 'soft-bounce', 'blocklisting', 'unsubscribe', 'trap-hit')),
  recipient        TEXT,                            -- lower-case; null when redacted
  mailbox_provider TEXT,                            -- data/mailbox-providers.json name, or null
  report_id        INTEGER REFERENCES reports (id) ON DELETE CASCADE,
  counts           INTEGER NOT NULL CHECK (counts IN (0, 1)),
  reason           TEXT NOT NULL,                   -- why it counts or not
  dedupe           TEXT NOT NULL UNIQUE,            -- client:campaign:signal:recipient (or report:<id> when redacted)
  at               TEXT NOT NULL
);
CREATE INDEX client_signals_window ON client_signals (client_id, at);

-- Sends per client, campaign, UTC day and mailbox provider, kept up to date as the send log is imported
-- (a re-imported send is not counted twice). Scanning the send log per evaluation would cost O(sends).
CREATE TABLE send_volume (
  client_id        INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  campaign_id      INTEGER NOT NULL DEFAULT 0,      -- 0: no campaign
  day              TEXT NOT NULL,                   -- YYYY-MM-DD of sent_at
  mailbox_provider TEXT NOT NULL,                   -- 'other' when the domain is not listed
  sends            INTEGER NOT NULL,
  PRIMARY KEY (client_id, day, campaign_id, mailbox_provider)
) WITHOUT ROWID;

-- Status history: automatic changes (actor system:enforcement), what dry-run mode would have done (mode dry-run),
-- suspensions policy asks for while enforcement.autoSuspend is off (mode proposed), and staff actions,
-- each with its reason and evidence; a reinstatement also carries the client's consent answers.
CREATE TABLE client_status_changes (
  id          INTEGER PRIMARY KEY,
  client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  at          TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status   TEXT NOT NULL,
  actor       TEXT NOT NULL,
  mode        TEXT NOT NULL DEFAULT 'applied' CHECK (mode IN ('applied', 'dry-run', 'proposed')),
  reason      TEXT NOT NULL,
  note        TEXT,
  evidence    TEXT,                                 -- JSON: signals, campaigns, sample reports, window
  consent     TEXT,                                 -- JSON: reinstatement answers
  ticket_id   TEXT,
  audit_id    INTEGER
);
CREATE INDEX client_status_changes_client ON client_status_changes (client_id, id);

CREATE TABLE spam_traps (
  address    TEXT PRIMARY KEY,                      -- lower-case address, or @domain for a whole trap domain
  note       TEXT,
  source     TEXT NOT NULL CHECK (source IN ('config', 'staff')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);

ALTER TABLE clients ADD COLUMN status_changed_at TEXT;
ALTER TABLE clients ADD COLUMN enforcement_since TEXT;   -- last reinstatement: the window never reaches back past it
ALTER TABLE clients ADD COLUMN score INTEGER;
ALTER TABLE clients ADD COLUMN assessment TEXT;          -- JSON: the latest assessment and score explanation
ALTER TABLE clients ADD COLUMN assessed_at TEXT;
ALTER TABLE campaigns ADD COLUMN engaged INTEGER;        -- unique recipients who opened or clicked, when the ESP says
