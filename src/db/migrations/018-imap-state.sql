-- IMAP sources: how far each source has taken each mailbox. A UID means something only together with the
-- mailbox's UIDVALIDITY (RFC 9051 section 2.3.1.1): when the server changes it, last_uid starts again at 0.
CREATE TABLE imap_state (
  source       TEXT NOT NULL,                 -- imap.sources[].name
  mailbox      TEXT NOT NULL,
  uid_validity TEXT NOT NULL,                 -- decimal; up to 2^32-1
  last_uid     INTEGER NOT NULL DEFAULT 0,    -- every message up to this UID has been stored and handled
  taken        INTEGER NOT NULL DEFAULT 0,    -- messages taken from this mailbox, all time
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (source, mailbox)
);
