-- PostgreSQL's per-row trigger functions name their tables with their schema instead of setting search_path on
-- every call (postgres/031-triggers-name-their-schema.sql). SQLite's triggers are SQL, with no search path. The
-- number is kept so both engines count the same versions.
SELECT 1;
