-- ESP event webhooks received over HTTP are stored as messages (source 'http'); the signature or
-- credential intake verified is kept with them, and it is what makes their events trusted.
ALTER TABLE messages ADD COLUMN verified_by TEXT;
