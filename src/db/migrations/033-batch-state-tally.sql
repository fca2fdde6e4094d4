-- PostgreSQL marks a batch's processed messages done in one statement and counts them with a statement-level
-- trigger (postgres/033-batch-state-tally.sql). SQLite's triggers run once per row either way, and a statement
-- costs it next to nothing: it marks them one at a time and keeps its tally. The number is kept so both engines
-- count the same versions.
SELECT 1;
