-- A raw message is written only by intake, in the same transaction as its messages row, so the foreign key's
-- per-row check (a FOR KEY SHARE lock on the messages row just written) guarded nothing and cost intake most of
-- its time: the intake bench went from about 2,100 to 3,600 messages/s at 16 connections without it. What the
-- key also did, deleting the raw bytes with their message, is this statement-level trigger (one DELETE per
-- statement, however many messages it removed).
ALTER TABLE message_raw DROP CONSTRAINT message_raw_message_id_fkey;

CREATE FUNCTION messages_delete_raw() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM message_raw WHERE message_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;

CREATE TRIGGER messages_delete_raw AFTER DELETE ON messages REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION messages_delete_raw();
