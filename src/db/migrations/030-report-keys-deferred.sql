-- PostgreSQL checks the keys that name a report at COMMIT (postgres/030-report-keys-deferred.sql), since it writes
-- a report's row after the rows that name it. SQLite writes the row first and keeps its keys as they are. The
-- number is kept so both engines count the same versions.
SELECT 1;
