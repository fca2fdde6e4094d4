-- PostgreSQL compresses raw messages with lz4 from this version on (postgres/023-raw-lz4.sql). SQLite stores a
-- BLOB as it is: nothing to change; the number is kept so both engines count the same versions.
SELECT 1;
