-- The pipeline writes a report's row once, when its message's stages are done (its content, attribution and
-- decisions in one statement), after the timeline event, suppression, client signal and soft bounce that name the
-- report were written in the same transaction: their keys to it are checked at COMMIT. Deleting a report still
-- sets them null or removes them at once (referential actions are never deferred).
ALTER TABLE ticket_events ALTER CONSTRAINT ticket_events_report_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE suppressions ALTER CONSTRAINT suppressions_evidence_report_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE client_signals ALTER CONSTRAINT client_signals_report_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE soft_bounces ALTER CONSTRAINT soft_bounces_report_id_fkey DEFERRABLE INITIALLY DEFERRED;
