-- When a node last stopped cleanly (NULL: it is running, or it died without stopping): the node list tells a
-- planned stop from a crash at once, instead of calling both down after a lease period.
ALTER TABLE cluster_nodes ADD COLUMN stopped_at TEXT COLLATE "C";
