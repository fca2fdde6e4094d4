-- ticket_terms is the inbox's search index: a report writes its identifiers (six or so rows) in the same
-- transaction that writes the report and charges it to the ticket, so the two foreign keys' per-row checks (a
-- FOR KEY SHARE lock on the ticket and on the report just written, twelve a report, on the ticket every report of
-- a burst locks again) guarded nothing the pipeline does not already guarantee. What the keys also did, deleting
-- a ticket's or a report's terms with it, are these statement-level triggers (one DELETE per statement, however
-- many tickets or reports it removed).
ALTER TABLE ticket_terms DROP CONSTRAINT ticket_terms_ticket_id_fkey;
ALTER TABLE ticket_terms DROP CONSTRAINT ticket_terms_report_id_fkey;

-- Terms a concurrent transaction wrote for a ticket or report deleted meanwhile name nothing that exists: a
-- search that finds them finds no ticket. They are removed here too.
DELETE FROM ticket_terms tt WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = tt.ticket_id)
  OR NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = tt.report_id);

CREATE FUNCTION tickets_delete_terms() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM ticket_terms WHERE ticket_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER tickets_delete_terms AFTER DELETE ON tickets REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_delete_terms();

CREATE FUNCTION reports_delete_terms() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM ticket_terms WHERE report_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER reports_delete_terms AFTER DELETE ON reports REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION reports_delete_terms();
