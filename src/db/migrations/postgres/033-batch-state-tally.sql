-- The pipeline marks a batch's processed messages done in one UPDATE. The per-state tally of messages was kept by
-- a row trigger: about 60 calls a batch, each an upsert of the same tally row (about 23 µs a message, measured in
-- batches of 60). A statement-level trigger with the statement's old and new rows counts the whole statement's moves
-- in one upsert per state instead. It fires for every UPDATE
-- of messages (PostgreSQL allows no column list with transition tables); one that moves no message between states
-- (a claim, a purge) changes nothing.
DO $migration$
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION %1$I.message_state_counts_statement() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO %1$I.message_state_counts AS c
        SELECT state, sum(delta) FROM (
          SELECT state, 1 AS delta FROM new_messages WHERE state <> 'queued'
          UNION ALL
          SELECT state, -1 FROM old_messages WHERE state <> 'queued'
        ) AS moves
        GROUP BY state HAVING sum(delta) <> 0
      ON CONFLICT (state) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$;
  $f$, current_schema());
END
$migration$;

DROP TRIGGER message_state_counts_update ON messages;
CREATE TRIGGER message_state_counts_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
  FOR EACH STATEMENT EXECUTE FUNCTION message_state_counts_statement();
