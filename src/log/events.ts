/**
 * Stable log event codes. Every structured log line carries `event`; the README's table is this list.
 * Codes are promises to operators (alerts and dashboards match on them): add, never rename.
 */
export const logEvents = {
  'service.started': 'serve is up: SMTP and HTTP addresses, data dir, schema version',
  'service.stopping': 'a signal arrived; intake refuses new sessions (421) and finishes messages in DATA',
  'service.stopped': 'every listener is closed and the worker has finished its current message',
  'demo.loaded':
    'the demo clients and campaigns were loaded into an empty database, the campaign dates moved forward by datesMovedDays',
  'smtp.accepted':
    'a message was stored durably and answered 250 (queue id, client IP, MAIL FROM, RCPTs, size)',
  'smtp.duplicate':
    'a retry of an already stored message (same bytes): answered 250 with the original queue id',
  'smtp.rejected':
    'a transaction was refused (reason: oversize, store-failed, store-timeout, shutting-down, backlog: 451 4.7.1 to the source with the most queued messages)',
  'smtp.rcpt_rejected':
    'RCPT TO refused: unknown mailbox (550 5.1.1), foreign domain (550 5.7.1) or too many recipients',
  'smtp.connection_refused':
    'a connection was refused with 421 (too many connections overall, from one IP or from one /24 or /64, shutting down)',
  'smtp.session_dropped':
    'a session was closed with 421: DATA too slow or idle (4.4.2), or its slot taken over by a source below its fair share (4.7.0)',
  'smtp.error': 'a socket or protocol error in an SMTP session',
  'worker.processed': 'a message went through the pipeline: state done, with each stage and its time',
  'worker.retry': 'a stage failed; the message is retried later with backoff (attempt, error)',
  'worker.quarantined': 'a message failed its last attempt and is kept as quarantined with the error',
  'worker.claim_lost':
    'a node held a message past its claim timeout; another node took it over and this node wrote nothing of its run',
  'cluster.lease_taken':
    "this node took a singleton job's lease and runs the job now (previous: the node that held it and stopped renewing it)",
  'cluster.lease_lost':
    'this node no longer holds a singleton job lease (holder: the node that took it over; error: the database refused renewals until it ran out) and stopped running the job',
  'cluster.claims_released':
    'a node let go of the messages it had claimed (it stopped, or started again under the same id)',
  'worker.requeued': 'staff asked to retry a quarantined message',
  'worker.crashed': 'the processing loop stopped on an unexpected error and will restart',
  'worker.process_started':
    "serve's pipeline process (worker.process) opened the database and started processing (pid)",
  'worker.process_exited':
    'the pipeline process ended unexpectedly (pid, code, signal, err); serve releases its claims and starts another after restartInMs',
  'esp_webhook.stored':
    'an ESP event webhook request verified and stored as a message (provider, queueId, duplicate)',
  'esp_webhook.refused':
    'an ESP event webhook request refused: missing or bad signature or credentials (provider, status, reason)',
  'esp_webhook.store_failed':
    'a verified ESP event webhook could not be stored; answered 503 so the ESP retries',
  'esp_webhook.subscribed': 'a verified Amazon SNS subscription confirmation was confirmed (topic)',
  'http.request': 'an HTTP request (method, url, status, ms)',
  'http.error': 'an HTTP handler of the API or the web UI failed (5xx): method, url, status and the stack',
  'outbox.sent':
    'an outbox row was delivered (id, kind, transport, attempts, detail such as the .eml file or the relay response)',
  'outbox.retry':
    'an outbox delivery failed and is retried later with capped exponential backoff (id, attempts, next, error)',
  'outbox.failed':
    'an outbox row was given up on after its last attempt or a permanent (5xx) rejection; kept as failed with the error',
  'outbox.crashed': 'the outbox loop stopped on an unexpected error and will restart',
  'webhook.sent': 'a webhook was delivered: the endpoint answered 2xx (id, type, url, status, attempts)',
  'webhook.retry':
    'a webhook delivery failed (non-2xx, timeout, network) and is retried with capped exponential backoff',
  'webhook.failed': 'a webhook was given up on after its last attempt; kept as failed, replayable',
  'worker.batch_step_failed':
    "a stage's once-per-batch step (e.g. re-assessing clients) failed and was undone; the messages are unaffected",
  'enforcement.changed':
    'a client status changed automatically, or dry-run/proposal recorded what it would be (client, from, to, mode)',
  'enforcement.swept': 'the periodic re-assessment of every client ran (clients, changes)',
  'suppressions.expired':
    'expired suppressions were removed (removed: how many); each is a suppression.removed webhook and a change-log entry',
  'suppressions.relay_failed':
    'turning suppression changes into webhook events (or the expiry) failed; the change log keeps them and the next round retries',
  'enforcement.failed': 'a re-assessment failed; the stored assessment is kept and the next round retries',
  'webhook.crashed': 'the webhook loop stopped on an unexpected error and will restart',
  'service.lock_taken_over':
    "serve took the data dir's lock over from a process that died holding it (the lock file's pid, host, start)",
  'service.temp_files_removed': 'half-written temp files left by a process that died were removed at start',
  'db.checkpointed': 'the worker was idle: the WAL was checkpointed and truncated (busy, pages)',
  'imap.connected':
    'an IMAP source logged in and opened its mailbox (source, host, mailbox, uidValidity, idle: whether IDLE is used)',
  'imap.taken':
    'a message was stored from an IMAP mailbox, then flagged, moved or deleted on the server (source, uid, queue id, duplicate)',
  'imap.failed':
    'an IMAP source failed (refused connection, login, timeout, lost connection): retried with capped exponential backoff (source, error, failures, next)',
  'imap.recovered': 'an IMAP source that was failing works again (source, failures)',
  'imap.uidvalidity_changed':
    "an IMAP mailbox's UIDVALIDITY changed: it is scanned again from the start, already stored messages are not stored twice",
  'imap.message_too_large':
    'a message in an IMAP mailbox is larger than smtp.maxMessageBytes: left on the server untouched, not taken (source, uid, size)',
  'retention.purged':
    'the scheduled purge removed data past its retention (rows removed per type: raw-messages, reports, resolved-tickets, audit-log, outbox, sessions, login-failures, nodes; `abusedesk db purge` prints and audits instead)',
  'retention.failed': 'a scheduled purge batch failed; it was undone and the next round retries',
  'address.erased':
    "a person's address was erased (erasure id, keyed hash, rows per table, files removed) — never the address itself",
  'client.deleted':
    'a client and its data were deleted (slug, rows per table, whether an archive was exported)',
} as const;

export type LogEvent = keyof typeof logEvents;
