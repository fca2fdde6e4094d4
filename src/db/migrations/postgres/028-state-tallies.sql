-- Counts that /metrics and /healthz read on every scrape or probe, kept by triggers instead of counted each time:
-- counting the messages per state and the acknowledgements per outcome read every processed message and every
-- ticket event. The triggers' WHEN conditions keep them off intake's inserts (queued) and ordinary events.

-- Messages per state, except `queued` (few, and counted along messages_due).
CREATE TABLE message_state_counts (
  state TEXT COLLATE "C" PRIMARY KEY,
  n     BIGINT NOT NULL
);
INSERT INTO message_state_counts SELECT state, count(*) FROM messages WHERE state <> 'queued' GROUP BY state;

CREATE FUNCTION message_state_counts_row() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state <> 'queued' THEN
    UPDATE message_state_counts SET n = n - 1 WHERE state = OLD.state;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state <> 'queued' THEN
    INSERT INTO message_state_counts AS c VALUES (NEW.state, 1) ON CONFLICT (state) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER message_state_counts_insert AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.state <> 'queued') EXECUTE FUNCTION message_state_counts_row();
CREATE TRIGGER message_state_counts_update AFTER UPDATE OF state ON messages
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION message_state_counts_row();
CREATE TRIGGER message_state_counts_delete AFTER DELETE ON messages
  FOR EACH ROW WHEN (OLD.state <> 'queued') EXECUTE FUNCTION message_state_counts_row();

-- Acknowledgements per outcome: a `mail` event of kind ack-queued (sent) or an `action` event of kind ack-skipped
-- naming the rule that stopped it (skipped), as long as the event is on a timeline.
CREATE TABLE acknowledgement_counts (
  outcome TEXT COLLATE "C" NOT NULL,
  rule    TEXT COLLATE "C" NOT NULL,
  n       BIGINT NOT NULL,
  PRIMARY KEY (outcome, rule)
);
INSERT INTO acknowledgement_counts
  SELECT CASE data::jsonb ->> 'kind' WHEN 'ack-queued' THEN 'sent' ELSE 'skipped' END,
    CASE data::jsonb ->> 'kind' WHEN 'ack-skipped' THEN coalesce(data::jsonb ->> 'rule', '') ELSE '' END, count(*)
  FROM ticket_events WHERE type IN ('mail', 'action') AND data::jsonb ->> 'kind' IN ('ack-queued', 'ack-skipped')
  GROUP BY 1, 2;

CREATE FUNCTION acknowledgement_counts_row() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  kind TEXT;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.type IN ('mail', 'action') THEN
    kind := OLD.data::jsonb ->> 'kind';
    IF kind IN ('ack-queued', 'ack-skipped') THEN
      UPDATE acknowledgement_counts SET n = n - 1
      WHERE outcome = CASE kind WHEN 'ack-queued' THEN 'sent' ELSE 'skipped' END
        AND rule = CASE kind WHEN 'ack-skipped' THEN coalesce(OLD.data::jsonb ->> 'rule', '') ELSE '' END;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.type IN ('mail', 'action') THEN
    kind := NEW.data::jsonb ->> 'kind';
    IF kind IN ('ack-queued', 'ack-skipped') THEN
      INSERT INTO acknowledgement_counts AS c VALUES (
        CASE kind WHEN 'ack-queued' THEN 'sent' ELSE 'skipped' END,
        CASE kind WHEN 'ack-skipped' THEN coalesce(NEW.data::jsonb ->> 'rule', '') ELSE '' END, 1)
      ON CONFLICT (outcome, rule) DO UPDATE SET n = c.n + 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER acknowledgement_counts_insert AFTER INSERT ON ticket_events
  FOR EACH ROW WHEN (NEW.type IN ('mail', 'action')) EXECUTE FUNCTION acknowledgement_counts_row();
CREATE TRIGGER acknowledgement_counts_update AFTER UPDATE OF type, data ON ticket_events
  FOR EACH ROW WHEN (OLD.type IN ('mail', 'action') OR NEW.type IN ('mail', 'action'))
  EXECUTE FUNCTION acknowledgement_counts_row();
CREATE TRIGGER acknowledgement_counts_delete AFTER DELETE ON ticket_events
  FOR EACH ROW WHEN (OLD.type IN ('mail', 'action')) EXECUTE FUNCTION acknowledgement_counts_row();
