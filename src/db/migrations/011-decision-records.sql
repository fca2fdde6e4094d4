-- Decisions become records. Every line of reports.decisions, of the decision lists on ticket report events, and the
-- text of the acknowledgement and suppression events on ticket timelines was an English sentence; each becomes a
-- JSON record {kind, target, scope, rule, reason, …} (src/decisions/decision.ts). Rules of old rows are unknown
-- (`legacy`) unless the sentence named one. A sentence that matches none of the known shapes becomes kind `note`
-- with the sentence as its reason.

CREATE TEMP TABLE decision_lines (line TEXT PRIMARY KEY, record TEXT, a TEXT, b TEXT, c TEXT);

INSERT OR IGNORE INTO decision_lines (line)
  SELECT j.value FROM reports r, json_each(r.decisions) j WHERE json_valid(r.decisions) AND j.type = 'text';
INSERT OR IGNORE INTO decision_lines (line)
  SELECT j.value FROM ticket_events e, json_each(e.data, '$.decisions') j
  WHERE e.type = 'report' AND json_valid(e.data) AND json_type(e.data, '$.decisions') = 'array' AND j.type = 'text';
INSERT OR IGNORE INTO decision_lines (line)
  SELECT text FROM ticket_events WHERE type IN ('action', 'mail') AND actor = 'system';

-- suppress ADDRESS (REASON, global|client SLUG)[ — already suppressed, refreshed]: WHY
UPDATE decision_lines SET
  a = substr(line, 10, instr(line, ' (') - 10),
  b = substr(line, instr(line, ' (') + 2, instr(line, ')') - instr(line, ' (') - 2),
  c = substr(line, instr(line, ')') + 1)
WHERE line LIKE 'suppress %' AND instr(line, ' (') > 10 AND instr(line, ')') > instr(line, ' (');
UPDATE decision_lines SET record = json_object(
  'kind', 'suppress', 'target', a,
  'scope', CASE WHEN substr(b, instr(b, ', ') + 2) = 'global' THEN 'global' ELSE 'client:' || substr(b, instr(b, ', ') + 9) END,
  'rule', 'legacy', 'reason', substr(c, instr(c, ': ') + 2),
  'suppression', substr(b, 1, instr(b, ', ') - 1),
  'refreshed', json(CASE WHEN c LIKE ' — already suppressed, refreshed:%' THEN 'true' ELSE 'false' END))
WHERE a IS NOT NULL AND instr(b, ', ') > 0 AND instr(c, ': ') > 0
  AND substr(b, 1, instr(b, ', ') - 1) IN ('complaint', 'opt-out', 'bounce', 'unsubscribe', 'manual', 'trap')
  AND (substr(b, instr(b, ', ') + 2) = 'global' OR substr(b, instr(b, ', ') + 2) LIKE 'client %');

-- not suppressed: ADDRESS: WHY
UPDATE decision_lines SET record = json_object(
  'kind', 'skip-suppress', 'target', substr(substr(line, 17), 1, instr(substr(line, 17), ': ') - 1), 'scope', NULL,
  'rule', CASE WHEN line LIKE '%: no client attributed%' THEN 'no-client' WHEN line LIKE '%: report not verified%' THEN 'untrusted-cap' ELSE 'legacy' END,
  'reason', substr(substr(line, 17), instr(substr(line, 17), ': ') + 2))
WHERE record IS NULL AND line LIKE 'not suppressed: %' AND instr(substr(line, 17), ': ') > 1;

-- duplicate of report #N (same Message-ID M): no second effect
UPDATE decision_lines SET record = json_object(
  'kind', 'duplicate', 'target', 'report:' || CAST(substr(line, 22) AS INTEGER), 'scope', NULL, 'rule', 'same-message-id',
  'reason', replace(substr(line, instr(line, ' (') + 2), '): ', ': '), 'duplicateOf', CAST(substr(line, 22) AS INTEGER))
WHERE record IS NULL AND line LIKE 'duplicate of report #%' AND instr(line, ' (') > 0;

-- opened incident ticket ID · reopened incident ticket ID: WHY · appended reply to ticket ID
UPDATE decision_lines SET record = json_object(
  'kind', 'open-ticket', 'target', substr(line, 24), 'scope', NULL, 'rule', 'incident', 'reason', 'the incident of the report''s client and campaign',
  'ticketType', 'incident', 'parentId', NULL)
WHERE record IS NULL AND line LIKE 'opened incident ticket %' AND instr(line, ':') = 0;
UPDATE decision_lines SET record = json_object(
  'kind', 'reopen-ticket', 'target', substr(line, 26, instr(line, ': ') - 26), 'scope', NULL, 'rule', 'incident-reopens', 'reason', substr(line, instr(line, ': ') + 2))
WHERE record IS NULL AND line LIKE 'reopened incident ticket %: %';
UPDATE decision_lines SET record = json_object(
  'kind', 'append-ticket', 'target', substr(line, 26), 'scope', NULL, 'rule', 'reply-names-ticket', 'reason', 'reply from the reporter', 'change', 'reply')
WHERE record IS NULL AND line LIKE 'appended reply to ticket %';

-- opened TYPE ticket ID[ (linked to incident PARENT)]: WHY
UPDATE decision_lines SET
  a = substr(line, 8, instr(line, ' ticket ') - 8),
  c = substr(line, instr(line, ' ticket ') + 8)
WHERE record IS NULL AND line LIKE 'opened % ticket %: %';
UPDATE decision_lines SET record = json_object(
  'kind', 'open-ticket',
  'target', CASE WHEN instr(c, ' (linked to incident ') > 0 THEN substr(c, 1, instr(c, ' (linked to incident ') - 1) ELSE substr(c, 1, instr(c, ': ') - 1) END,
  'scope', NULL, 'rule', a || '-ticket', 'reason', substr(c, instr(c, ': ') + 2), 'ticketType', a,
  'parentId', CASE WHEN instr(c, ' (linked to incident ') > 0 THEN substr(c, instr(c, ' (linked to incident ') + 21, instr(c, '): ') - instr(c, ' (linked to incident ') - 21) END)
WHERE record IS NULL AND a IN ('complaint', 'unmatched', 'unsubscribe', 'auth-failure', 'other', 'incident');

-- ticket ID does not exist: opened NEW for triage
UPDATE decision_lines SET record = json_object(
  'kind', 'open-ticket', 'target', substr(line, instr(line, ': opened ') + 9, instr(line, ' for triage') - instr(line, ': opened ') - 9), 'scope', NULL,
  'rule', 'reply-unknown-ticket', 'reason', substr(line, 1, instr(line, ': opened ') - 1) || ': opened for triage', 'ticketType', 'other', 'parentId', NULL)
WHERE record IS NULL AND line LIKE 'ticket % does not exist: opened % for triage';

-- acknowledgement queued to ADDRESS in LANGUAGE (outbox #N, subject "S")
UPDATE decision_lines SET record = json_object(
  'kind', 'ack-queued', 'target', substr(line, 27, instr(line, ' in ') - 27), 'scope', NULL, 'ticketId', NULL, 'rule', 'acknowledge-reporter',
  'reason', rtrim(substr(line, instr(line, ', subject ') + 2), ')'),
  'outboxId', CAST(substr(line, instr(line, '(outbox #') + 9) AS INTEGER),
  'language', substr(line, instr(line, ' in ') + 4, instr(line, ' (outbox #') - instr(line, ' in ') - 4))
WHERE record IS NULL AND line LIKE 'acknowledgement queued to % in % (outbox #%' AND instr(line, ', subject ') > 0;

-- no acknowledgement (rule RULE): WHY · no acknowledgement: WHY
UPDATE decision_lines SET record = json_object(
  'kind', 'ack-skipped', 'target', NULL, 'scope', NULL, 'ticketId', NULL, 'rule', substr(line, 26, instr(line, '): ') - 26), 'reason', substr(line, instr(line, '): ') + 3))
WHERE record IS NULL AND line LIKE 'no acknowledgement (rule %): %';
UPDATE decision_lines SET record = json_object(
  'kind', 'ack-skipped', 'target', NULL, 'scope', NULL, 'ticketId', NULL,
  'rule', CASE WHEN line LIKE '%not configured%' THEN 'acknowledgements-off' WHEN line LIKE '%ingested as a backfill%' THEN 'backfill'
    WHEN line LIKE '%is never acknowledged%' THEN 'kind-not-complaint' ELSE 'legacy' END,
  'reason', substr(line, 21))
WHERE record IS NULL AND line LIKE 'no acknowledgement: %';

-- signal SIGNAL[ (RECIPIENT)]: counts toward enforcement — WHY · signal SIGNAL[ (RECIPIENT)]: recorded — WHY
UPDATE decision_lines SET a = substr(line, 8, instr(line, ': ') - 8)
WHERE record IS NULL AND line LIKE 'signal %: %' AND instr(line, ' — ') > 0;
UPDATE decision_lines SET b = CASE WHEN instr(a, ' (') > 0 THEN substr(a, 1, instr(a, ' (') - 1) ELSE a END
WHERE record IS NULL AND a IS NOT NULL AND line LIKE 'signal %';
UPDATE decision_lines SET record = json_object(
  'kind', CASE WHEN instr(line, ': counts toward enforcement — ') > 0 THEN 'signal-counted' ELSE 'signal-recorded' END,
  'target', CASE WHEN instr(a, ' (') > 0 THEN substr(a, instr(a, ' (') + 2, length(a) - instr(a, ' (') - 2) END,
  'scope', NULL,
  'rule', CASE WHEN instr(line, ': counts toward enforcement — ') > 0 THEN 'counts' ELSE 'not-counted' END,
  'reason', substr(line, instr(line, ' — ') + 3), 'signal', b)
WHERE record IS NULL AND line LIKE 'signal %' AND b IN ('complaint', 'hard-bounce', 'soft-bounce', 'blocklisting', 'unsubscribe', 'trap-hit');

UPDATE decision_lines SET record = json_object('kind', 'note', 'target', NULL, 'scope', NULL, 'rule', 'legacy', 'reason', line) WHERE record IS NULL;

UPDATE reports SET decisions = (
  SELECT json_group_array(json(x)) FROM (
    SELECT CASE WHEN j.type = 'text' THEN d.record ELSE j.value END AS x
    FROM json_each(reports.decisions) j LEFT JOIN decision_lines d ON d.line = j.value ORDER BY j.key))
WHERE json_valid(decisions) AND json_type(decisions) = 'array';

UPDATE ticket_events SET data = json_set(data, '$.decisions', json((
  SELECT json_group_array(json(x)) FROM (
    SELECT CASE WHEN j.type = 'text' THEN d.record ELSE j.value END AS x
    FROM json_each(ticket_events.data, '$.decisions') j LEFT JOIN decision_lines d ON d.line = j.value ORDER BY j.key))))
WHERE type = 'report' AND json_valid(data) AND json_type(data, '$.decisions') = 'array';

-- Acknowledgement and suppression events carry their record as data (the acknowledgement one with its ticket).
UPDATE ticket_events SET data = (
  SELECT CASE WHEN json_extract(d.record, '$.kind') IN ('ack-queued', 'ack-skipped') THEN json_set(d.record, '$.ticketId', ticket_events.ticket_id) ELSE d.record END
  FROM decision_lines d WHERE d.line = ticket_events.text)
WHERE type IN ('action', 'mail') AND actor = 'system'
  AND (SELECT json_extract(d.record, '$.kind') FROM decision_lines d WHERE d.line = ticket_events.text) IN ('ack-queued', 'ack-skipped', 'suppress', 'skip-suppress');

DROP TABLE decision_lines;
