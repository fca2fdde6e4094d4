-- The worker's claim takes the first due messages of each source (source_key) in turn: this index lets it walk
-- the sources one seek each and read only the first messages of each, whatever the backlog.
CREATE INDEX messages_queued_source ON messages (source_key, id) WHERE state = 'queued';
