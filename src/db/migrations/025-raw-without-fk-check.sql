-- PostgreSQL replaces message_raw's foreign key with a delete trigger (postgres/025-raw-without-fk-check.sql).
-- SQLite's check is an index probe in the same file: it keeps the key. The number is kept so both engines count
-- the same versions.
SELECT 1;
