-- See ../024-claim-by-source.sql.
CREATE INDEX messages_queued_source ON messages (source_key, id) WHERE state = 'queued';
