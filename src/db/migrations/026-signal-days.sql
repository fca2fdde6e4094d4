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

CREATE TRIGGER client_signal_days_insert AFTER INSERT ON client_signals BEGIN
  INSERT INTO client_signal_days VALUES (NEW.client_id, substr(NEW.at, 1, 10), coalesce(NEW.campaign_id, 0), NEW.signal,
    coalesce(NEW.mailbox_provider, ''), NEW.counts, 1 - NEW.counts,
    CASE WHEN NEW.counts = 1 AND NEW.basis = 'unauthenticated' THEN 1 ELSE 0 END)
  ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, uncounted = uncounted + excluded.uncounted,
    unauthenticated = unauthenticated + excluded.unauthenticated;
END;

-- The row a signal leaves: its counts taken off, and the row removed once nothing is left in it.
CREATE TRIGGER client_signal_days_delete AFTER DELETE ON client_signals BEGIN
  UPDATE client_signal_days SET counted = counted - OLD.counts, uncounted = uncounted - (1 - OLD.counts),
    unauthenticated = unauthenticated - (CASE WHEN OLD.counts = 1 AND OLD.basis = 'unauthenticated' THEN 1 ELSE 0 END)
  WHERE client_id = OLD.client_id AND day = substr(OLD.at, 1, 10) AND campaign_id = coalesce(OLD.campaign_id, 0)
    AND signal = OLD.signal AND mailbox_provider = coalesce(OLD.mailbox_provider, '');
  DELETE FROM client_signal_days
  WHERE client_id = OLD.client_id AND day = substr(OLD.at, 1, 10) AND campaign_id = coalesce(OLD.campaign_id, 0)
    AND signal = OLD.signal AND mailbox_provider = coalesce(OLD.mailbox_provider, '') AND counted = 0 AND uncounted = 0;
END;

-- An upgrade (counted now, or on better evidence), a campaign deleted (SET NULL): off the old row, onto the new.
CREATE TRIGGER client_signal_days_update
AFTER UPDATE OF client_id, campaign_id, signal, mailbox_provider, counts, basis, at ON client_signals BEGIN
  UPDATE client_signal_days SET counted = counted - OLD.counts, uncounted = uncounted - (1 - OLD.counts),
    unauthenticated = unauthenticated - (CASE WHEN OLD.counts = 1 AND OLD.basis = 'unauthenticated' THEN 1 ELSE 0 END)
  WHERE client_id = OLD.client_id AND day = substr(OLD.at, 1, 10) AND campaign_id = coalesce(OLD.campaign_id, 0)
    AND signal = OLD.signal AND mailbox_provider = coalesce(OLD.mailbox_provider, '');
  DELETE FROM client_signal_days
  WHERE client_id = OLD.client_id AND day = substr(OLD.at, 1, 10) AND campaign_id = coalesce(OLD.campaign_id, 0)
    AND signal = OLD.signal AND mailbox_provider = coalesce(OLD.mailbox_provider, '') AND counted = 0 AND uncounted = 0;
  INSERT INTO client_signal_days VALUES (NEW.client_id, substr(NEW.at, 1, 10), coalesce(NEW.campaign_id, 0), NEW.signal,
    coalesce(NEW.mailbox_provider, ''), NEW.counts, 1 - NEW.counts,
    CASE WHEN NEW.counts = 1 AND NEW.basis = 'unauthenticated' THEN 1 ELSE 0 END)
  ON CONFLICT DO UPDATE SET counted = counted + excluded.counted, uncounted = uncounted + excluded.uncounted,
    unauthenticated = unauthenticated + excluded.unauthenticated;
END;

-- The reports behind a client's latest counted signals (its assessment's evidence), newest first: along this
-- index the walk stops after the few it wants, however many uncounted signals the window holds.
CREATE INDEX client_signals_counted ON client_signals (client_id, at) WHERE counts = 1 AND report_id IS NOT NULL;
