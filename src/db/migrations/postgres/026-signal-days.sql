-- A client's signals summed per UTC day, campaign, signal and mailbox provider, kept by triggers on client_signals
-- (every insert, upgrade, deletion and cascade). Assessing a client summed every signal of its window, once per
-- batch; its totals now come from at most one row per day and key here, plus the signals of the window's first,
-- partial day. Inserts and updates (one signal at a time, in the pipeline) use row triggers; deletions (a client
-- or its reports removed: thousands at once) one statement-level trigger per statement.
CREATE TABLE client_signal_days (
  client_id        BIGINT NOT NULL,
  day              TEXT COLLATE "C" NOT NULL,
  campaign_id      BIGINT NOT NULL,
  signal           TEXT COLLATE "C" NOT NULL,
  mailbox_provider TEXT COLLATE "C" NOT NULL,
  counted          BIGINT NOT NULL,
  uncounted        BIGINT NOT NULL,
  unauthenticated  BIGINT NOT NULL,
  PRIMARY KEY (client_id, day, campaign_id, signal, mailbox_provider)
);

INSERT INTO client_signal_days
  SELECT client_id, left(at, 10), coalesce(campaign_id, 0), signal, coalesce(mailbox_provider, ''), sum(counts),
         sum(1 - counts), sum(CASE WHEN counts = 1 AND basis = 'unauthenticated' THEN 1 ELSE 0 END)
  FROM client_signals GROUP BY 1, 2, 3, 4, 5;

-- Adds (delta 1) or takes off (delta -1) one signal; a row left with nothing is removed.
CREATE FUNCTION client_signal_days_add(s client_signals, delta BIGINT) RETURNS void LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO client_signal_days AS d VALUES (s.client_id, left(s.at, 10), coalesce(s.campaign_id, 0), s.signal,
    coalesce(s.mailbox_provider, ''), delta * s.counts, delta * (1 - s.counts),
    delta * (CASE WHEN s.counts = 1 AND s.basis = 'unauthenticated' THEN 1 ELSE 0 END))
  ON CONFLICT (client_id, day, campaign_id, signal, mailbox_provider) DO UPDATE SET
    counted = d.counted + excluded.counted, uncounted = d.uncounted + excluded.uncounted,
    unauthenticated = d.unauthenticated + excluded.unauthenticated;
  IF delta < 0 THEN
    DELETE FROM client_signal_days WHERE client_id = s.client_id AND day = left(s.at, 10)
      AND campaign_id = coalesce(s.campaign_id, 0) AND signal = s.signal
      AND mailbox_provider = coalesce(s.mailbox_provider, '') AND counted = 0 AND uncounted = 0;
  END IF;
END $$;

CREATE FUNCTION client_signal_days_row() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM client_signal_days_add(OLD, -1);
  END IF;
  PERFORM client_signal_days_add(NEW, 1);
  RETURN NULL;
END $$;

CREATE TRIGGER client_signal_days_insert AFTER INSERT ON client_signals
  FOR EACH ROW EXECUTE FUNCTION client_signal_days_row();
CREATE TRIGGER client_signal_days_update
  AFTER UPDATE OF client_id, campaign_id, signal, mailbox_provider, counts, basis, at ON client_signals
  FOR EACH ROW WHEN ((OLD.client_id, OLD.campaign_id, OLD.signal, OLD.mailbox_provider, OLD.counts, OLD.basis, OLD.at)
    IS DISTINCT FROM (NEW.client_id, NEW.campaign_id, NEW.signal, NEW.mailbox_provider, NEW.counts, NEW.basis, NEW.at))
  EXECUTE FUNCTION client_signal_days_row();

CREATE FUNCTION client_signal_days_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  WITH gone AS (
    SELECT client_id, left(at, 10) AS day, coalesce(campaign_id, 0) AS campaign_id, signal,
           coalesce(mailbox_provider, '') AS mailbox_provider, sum(counts) AS counted, sum(1 - counts) AS uncounted,
           sum(CASE WHEN counts = 1 AND basis = 'unauthenticated' THEN 1 ELSE 0 END) AS unauthenticated
    FROM removed GROUP BY 1, 2, 3, 4, 5
  )
  UPDATE client_signal_days d SET counted = d.counted - g.counted, uncounted = d.uncounted - g.uncounted,
    unauthenticated = d.unauthenticated - g.unauthenticated
  FROM gone g WHERE d.client_id = g.client_id AND d.day = g.day AND d.campaign_id = g.campaign_id
    AND d.signal = g.signal AND d.mailbox_provider = g.mailbox_provider;
  DELETE FROM client_signal_days WHERE counted = 0 AND uncounted = 0
    AND client_id IN (SELECT DISTINCT client_id FROM removed);
  RETURN NULL;
END $$;

CREATE TRIGGER client_signal_days_delete AFTER DELETE ON client_signals REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION client_signal_days_delete();

-- The reports behind a client's latest counted signals (its assessment's evidence), newest first: along this
-- index the walk stops after the few it wants, however many uncounted signals the window holds.
CREATE INDEX client_signals_counted ON client_signals (client_id, at) WHERE counts = 1 AND report_id IS NOT NULL;
