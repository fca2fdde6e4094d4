-- A client's signals summed per UTC day, campaign, signal and mailbox provider, kept by triggers on client_signals
-- (every insert, upgrade, deletion and cascade). Assessing a client summed every signal of its window, once per
-- batch: 100,000 signals in a window cost about 75 ms a batch. Its totals now come from at most one row per day
-- and key here, plus the signals of the window's first, partial day.
CREATE TABLE client_signal_days (
  client_id        INTEGER NOT NULL,
  day              TEXT NOT NULL,                   -- YYYY-MM-DD of the signal's time (UTC)
  campaign_id      INTEGER NOT NULL,                -- 0: no campaign
  signal           TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,                   -- '': no provider
  counted          INTEGER NOT NULL,
  uncounted        INTEGER NOT NULL,
  unauthenticated  INTEGER NOT NULL,                -- counted on a token alone (basis 'unauthenticated')
  PRIMARY KEY (client_id, day, campaign_id, signal, mailbox_provider)
) WITHOUT ROWID;

INSERT INTO client_signal_days
  SELECT client_id, substr(at, 1, 10), coalesce(campaign_id, 0), signal, coalesce(mailbox_provider, ''), sum(counts),
         sum(1 - counts), sum(CASE WHEN counts = 1 AND basis = 'unauthenticated' THEN 1 ELSE 0 END)
  FROM client_signals GROUP BY 1, 2, 3, 4, 5;

-- One signal added to (delta 1) or taken off (delta -1) its day's row, and the row removed once nothing is left
-- in it: every trigger below goes through this view, as PostgreSQL's go through one function.
CREATE VIEW client_signal_day_changes AS
  SELECT client_id, at, campaign_id, signal, mailbox_provider, counts, basis, 0 AS delta FROM client_signals WHERE 0;
CREATE TRIGGER client_signal_day_changes_apply INSTEAD OF INSERT ON client_signal_day_changes BEGIN
  INSERT INTO client_signal_days VALUES (NEW.client_id, substr(NEW.at, 1, 10), coalesce(NEW.campaign_id, 0), NEW.signal,
    coalesce(NEW.mailbox_provider, ''), NEW.delta * NEW.counts, NEW.delta * (1 - NEW.counts),
    NEW.delta * (CASE WHEN NEW.counts = 1 AND NEW.basis = 'unauthenticated' THEN 1 ELSE 0 END))
  ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, uncounted = uncounted + excluded.uncounted,
    unauthenticated = unauthenticated + excluded.unauthenticated;
  DELETE FROM client_signal_days
  WHERE NEW.delta < 0 AND client_id = NEW.client_id AND day = substr(NEW.at, 1, 10)
    AND campaign_id = coalesce(NEW.campaign_id, 0) AND signal = NEW.signal
    AND mailbox_provider = coalesce(NEW.mailbox_provider, '') AND counted = 0 AND uncounted = 0;
END;

CREATE TRIGGER client_signal_days_insert AFTER INSERT ON client_signals BEGIN
  INSERT INTO client_signal_day_changes
    VALUES (NEW.client_id, NEW.at, NEW.campaign_id, NEW.signal, NEW.mailbox_provider, NEW.counts, NEW.basis, 1);
END;
CREATE TRIGGER client_signal_days_delete AFTER DELETE ON client_signals BEGIN
  INSERT INTO client_signal_day_changes
    VALUES (OLD.client_id, OLD.at, OLD.campaign_id, OLD.signal, OLD.mailbox_provider, OLD.counts, OLD.basis, -1);
END;
-- An upgrade (counted now, or on better evidence), a campaign deleted (SET NULL): off the old row, onto the new.
CREATE TRIGGER client_signal_days_update
AFTER UPDATE OF client_id, campaign_id, signal, mailbox_provider, counts, basis, at ON client_signals BEGIN
  INSERT INTO client_signal_day_changes
    VALUES (OLD.client_id, OLD.at, OLD.campaign_id, OLD.signal, OLD.mailbox_provider, OLD.counts, OLD.basis, -1);
  INSERT INTO client_signal_day_changes
    VALUES (NEW.client_id, NEW.at, NEW.campaign_id, NEW.signal, NEW.mailbox_provider, NEW.counts, NEW.basis, 1);
END;

-- The reports behind a client's latest counted signals (its assessment's evidence), newest first: along this
-- index the walk stops after the few it wants, however many uncounted signals the window holds.
CREATE INDEX client_signals_counted ON client_signals (client_id, at) WHERE counts = 1 AND report_id IS NOT NULL;
