-- Counts that /metrics and /healthz read on every scrape or probe, kept by triggers instead of counted each time:
-- counting the messages per state and the acknowledgements per outcome read every processed message and every
-- ticket event (about 65 and 115 ms with a million of each, on the thread that serves SMTP).

-- Messages per state, except `queued` (few, and counted along messages_due): every insert, state change and
-- deletion of a message that is or was done or quarantined.
CREATE TABLE message_state_counts (
  state TEXT PRIMARY KEY,
  n     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO message_state_counts SELECT state, count(*) FROM messages WHERE state <> 'queued' GROUP BY state;

CREATE TRIGGER message_state_counts_insert AFTER INSERT ON messages WHEN NEW.state <> 'queued' BEGIN
  INSERT INTO message_state_counts VALUES (NEW.state, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER message_state_counts_leave AFTER UPDATE OF state ON messages
WHEN OLD.state <> 'queued' AND OLD.state IS NOT NEW.state BEGIN
  UPDATE message_state_counts SET n = n - 1 WHERE state = OLD.state;
END;
CREATE TRIGGER message_state_counts_enter AFTER UPDATE OF state ON messages
WHEN NEW.state <> 'queued' AND OLD.state IS NOT NEW.state BEGIN
  INSERT INTO message_state_counts VALUES (NEW.state, 1) ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER message_state_counts_delete AFTER DELETE ON messages WHEN OLD.state <> 'queued' BEGIN
  UPDATE message_state_counts SET n = n - 1 WHERE state = OLD.state;
END;

-- Acknowledgements per outcome: a `mail` event of kind ack-queued (sent) or an `action` event of kind ack-skipped
-- naming the rule that stopped it (skipped), as long as the event is on a timeline.
CREATE TABLE acknowledgement_counts (
  outcome TEXT NOT NULL,
  rule    TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (outcome, rule)
) WITHOUT ROWID;
INSERT INTO acknowledgement_counts
  SELECT CASE json_extract(data, '$.kind') WHEN 'ack-queued' THEN 'sent' ELSE 'skipped' END,
    CASE json_extract(data, '$.kind') WHEN 'ack-skipped' THEN coalesce(json_extract(data, '$.rule'), '') ELSE '' END, count(*)
  FROM ticket_events WHERE type IN ('mail', 'action') AND json_extract(data, '$.kind') IN ('ack-queued', 'ack-skipped')
  GROUP BY 1, 2;

-- One timeline event counted in (delta 1) or out (delta -1), when it is an acknowledgement: every trigger below goes
-- through this view, as PostgreSQL's go through one function.
CREATE VIEW acknowledgement_count_changes AS SELECT type, data, 0 AS delta FROM ticket_events WHERE 0;
CREATE TRIGGER acknowledgement_count_changes_apply INSTEAD OF INSERT ON acknowledgement_count_changes
WHEN NEW.type IN ('mail', 'action') AND json_extract(NEW.data, '$.kind') IN ('ack-queued', 'ack-skipped') BEGIN
  INSERT INTO acknowledgement_counts VALUES (
    CASE json_extract(NEW.data, '$.kind') WHEN 'ack-queued' THEN 'sent' ELSE 'skipped' END,
    CASE json_extract(NEW.data, '$.kind') WHEN 'ack-skipped' THEN coalesce(json_extract(NEW.data, '$.rule'), '') ELSE '' END,
    NEW.delta)
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER acknowledgement_counts_insert AFTER INSERT ON ticket_events WHEN NEW.type IN ('mail', 'action') BEGIN
  INSERT INTO acknowledgement_count_changes VALUES (NEW.type, NEW.data, 1);
END;
CREATE TRIGGER acknowledgement_counts_update AFTER UPDATE OF type, data ON ticket_events
WHEN OLD.type IN ('mail', 'action') OR NEW.type IN ('mail', 'action') BEGIN
  INSERT INTO acknowledgement_count_changes VALUES (OLD.type, OLD.data, -1);
  INSERT INTO acknowledgement_count_changes VALUES (NEW.type, NEW.data, 1);
END;
CREATE TRIGGER acknowledgement_counts_delete AFTER DELETE ON ticket_events WHEN OLD.type IN ('mail', 'action') BEGIN
  INSERT INTO acknowledgement_count_changes VALUES (OLD.type, OLD.data, -1);
END;
