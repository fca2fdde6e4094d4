-- PostgreSQL replaces ticket_terms' foreign keys with delete triggers (postgres/029-terms-without-fk-check.sql).
-- SQLite's checks are index probes in the same file: it keeps the keys. The number is kept so both engines count
-- the same versions.
SELECT 1;
