-- Where each enforcement signal came from and which rule let it count. Signals from mail other than a
-- DKIM-verified FBL count only when the message is authenticated for its sender's domain, or when independent
-- sources (distinct reporting domains and distinct source networks) report the same signal about the client.
--   rule            dkim-verified-fbl, dkim-aligned, spf-aligned, provider-registry, corroborated-by-N-sources,
--                   token-proven; not-counted:… when it does not count
--   basis           authenticated, corroborated or unauthenticated (counted on a token alone: capped); null when not counted
--   reporter_domain organizational domain of the report's From
--   source_network  /24 (IPv4) or /48 (IPv6) of the SMTP client that delivered the report
ALTER TABLE client_signals ADD COLUMN rule TEXT;
ALTER TABLE client_signals ADD COLUMN basis TEXT CHECK (basis IN ('authenticated', 'corroborated', 'unauthenticated'));
ALTER TABLE client_signals ADD COLUMN reporter_domain TEXT;
ALTER TABLE client_signals ADD COLUMN source_network TEXT;

-- Earlier rows: a DKIM-verified report is authenticated; any other counted one stood on its token alone.
UPDATE client_signals SET
  basis = CASE WHEN counts = 0 THEN NULL WHEN reason LIKE 'DKIM-verified%' THEN 'authenticated' ELSE 'unauthenticated' END,
  rule = CASE WHEN counts = 0 THEN 'not-counted' WHEN reason LIKE 'DKIM-verified%' THEN 'dkim-verified-fbl' ELSE 'token-proven' END;

CREATE INDEX client_signals_kind ON client_signals (client_id, signal, at);

-- Cross-client list intelligence: the same complainant or trap reported against several clients.
CREATE INDEX client_signals_recipient ON client_signals (recipient, at) WHERE recipient IS NOT NULL;
