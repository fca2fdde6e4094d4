-- Corroboration looks, for each unauthenticated report, at the distinct (reporting domain, source network) pairs
-- behind a client's signals of one kind in its window, and once enough are independent marks the waiting ones
-- counted. Both read every signal of that kind in the window: with 100,000 complaints there, about 60 and 25 ms
-- a report on SQLite. Along these indexes the pairs are walked one seek each (a loose scan of the pair
-- expression; neither a domain nor a network contains a space) and only the waiting signals are read.
CREATE INDEX client_signals_sources ON client_signals (client_id, signal, (reporter_domain || ' ' || source_network), at);
CREATE INDEX client_signals_rule ON client_signals (client_id, signal, rule, at);
