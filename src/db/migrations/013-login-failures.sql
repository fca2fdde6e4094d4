-- Failed staff logins, counted per key in fixed windows, so the login limit survives a restart.
--   key       'ip:<address>' (spraying one password over many accounts), 'account:<email>' (guessing one
--             account from many addresses) or 'pair:<address> <email>'
--   count     failures since the window started
--   reset_at  when the window ends, ms since the Unix epoch
CREATE TABLE login_failures (
  key      TEXT PRIMARY KEY,
  count    INTEGER NOT NULL,
  reset_at INTEGER NOT NULL
);
CREATE INDEX login_failures_reset_at ON login_failures (reset_at);
