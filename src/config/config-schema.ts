import { z } from 'zod';
// How a client says its list was built (asked at reinstatement): the same words as the send log's consent_method.
import { isMailAddress } from '../mime/mail-address.ts';
import { shortestRelayLeaseMs } from '../outbox/relay-timeouts.ts';
import { consentMethods } from '../store/vocabulary.ts';

/**
 * The one configuration schema. Every key has a default and a description; `abusedesk config show`
 * and the README's configuration table are generated from it. Environment overrides are derived
 * from the key path: `smtp.maxMessageBytes` ⇄ `ABUSEDESK_SMTP_MAX_MESSAGE_BYTES`.
 */
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

/** A retry backoff's ceiling may not be below its first delay (outbox, webhooks, IMAP sources). */
function retryMaxAtLeastBase(o: { retryBaseMs: number; retryMaxMs: number }, ctx: z.RefinementCtx): void {
  if (o.retryMaxMs < o.retryBaseMs)
    ctx.addIssue({
      code: 'custom',
      path: ['retryMaxMs'],
      message: 'retryMaxMs must be at least retryBaseMs',
    });
}

/** A node's id (cluster.nodeId): what it is known by in claims, leases and the node list. */
export const NODE_ID = /^[A-Za-z0-9._:-]{1,100}$/;
export const NODE_ID_RULE = 'a node id is 1–100 letters, digits, dots, colons, _ or -';
/** cluster.leaseMs's default, for views built without a configuration (tests). */
export const DEFAULT_CLUSTER_LEASE_MS = 15_000;

export const tokenKeySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9]{1,8}$/, 'a key id is 1–8 letters or digits')
    .describe('Key id, carried in every token so keys can rotate.'),
  secret: z
    .string()
    .min(32, 'a token key secret needs at least 32 characters')
    .describe('Secret (≥ 32 characters); the AES-256 key is derived from it.'),
});

/**
 * The demo trace-token key shipped as the default so `npm start` works out of the box. Anyone holding this
 * source can mint tokens with it: operators must replace it (tokens.keys) before real use.
 */
export const DEMO_TOKEN_KEY = {
  id: 'demo1',
  secret: 'abusedesk-DEMO-ONLY-trace-token-secret-replace-me',
} as const;

/** The demo erasure hash key: replace it (privacy.hashKey) before real use, like the demo token key. */
export const DEMO_PRIVACY_HASH_KEY = 'abusedesk-DEMO-ONLY-erasure-hash-key-replace-me';

/** watch / warn / suspend thresholds of one enforcement signal; null: the signal never causes that state. */
function levelThresholds(
  what: string,
  d: { watch: number | null; warn: number | null; suspend: number | null },
) {
  const level = (name: string, v: number | null) =>
    z
      .number()
      .min(0)
      .nullable()
      .default(v)
      .describe(`${what} at which a client goes to ${name} (null: never).`);
  return z
    .strictObject({
      watch: level('watch', d.watch),
      warn: level('warned', d.warn),
      suspend: level('suspended', d.suspend),
    })
    .prefault({});
}

export const configSchema = z.strictObject({
  dataDir: z
    .string()
    .min(1)
    .default('data')
    .describe('Where the database, outbox and backups live (relative to the working directory).'),
  database: z
    .strictObject({
      file: z.string().min(1).default('abusedesk.db').describe('SQLite database file, relative to dataDir.'),
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\/[^\s]+$/, {
          message:
            'must be a PostgreSQL URL, postgres://user@host:5432/database (or null for the SQLite file)',
        })
        .nullable()
        .default(null)
        .describe(
          'PostgreSQL for everything instead of the SQLite file: postgres://user:password@host:5432/database (?schema=name keeps the tables in that schema). Several nodes share one database.',
        ),
      busyTimeoutMs: positiveInt
        .default(5000)
        .describe('How long a writer waits for the database lock before giving up.'),
      groupCommitMs: z
        .number()
        .min(0)
        .max(50)
        .default(0)
        .describe(
          'Intake group commit: how long the first message of a batch waits for others before one shared fsync (0: none; messages arriving during a commit share the next one).',
        ),
      walAutocheckpointPages: positiveInt
        .default(10000)
        .describe('WAL pages between automatic checkpoints (SQLite default 1000 stalls intake under load).'),
      walCheckpointIntervalMs: positiveInt
        .default(60_000)
        .describe(
          'When the worker is idle, the WAL is checkpointed and truncated (wal_checkpoint(TRUNCATE)) at most this often.',
        ),
    })
    .prefault({}),
  cluster: z
    .strictObject({
      nodeId: z
        .string()
        .regex(NODE_ID, NODE_ID_RULE)
        .nullable()
        .default(null)
        .describe(
          'This node among the nodes sharing one PostgreSQL database (null: host name and process id). Set a stable id so a restarted node takes its own message claims back at once instead of after claimTimeoutMs.',
        ),
      claimTimeoutMs: positiveInt
        .default(60_000)
        .describe(
          'How long a node holds the messages it took for processing: the messages of a node that died are taken over by another node after this.',
        ),
      leaseMs: positiveInt
        .min(300)
        .default(DEFAULT_CLUSTER_LEASE_MS)
        .describe(
          'Singleton jobs (outbox and webhook senders, enforcement sweeper, suppression relay, purge, IMAP) run on one node at a time; its lease is renewed every leaseMs/3, and a job moves to another node this long after its node died (at once on a clean stop).',
        ),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      host: z.string().default('127.0.0.1').describe('Address the SMTP intake listens on.'),
      port: port.default(2525).describe('SMTP intake port (0 picks a free port).'),
      hostname: z
        .string()
        .default('abusedesk.esp.example')
        .describe('Name announced in the greeting and EHLO reply.'),
      domains: z
        .array(z.string().min(1))
        .min(1)
        .default(['esp.example', 'localhost'])
        .describe('Domains whose mailboxes are accepted (case-insensitive).'),
      mailboxes: z
        .array(z.string().regex(/^[a-z0-9._-]+$/i, 'a mailbox is a local part such as abuse'))
        .min(1)
        .default(['abuse', 'postmaster', 'fbl', 'unsubscribe'])
        .describe('Accepted local parts; each also takes +tag sub-addresses.'),
      unsubscribeMailboxes: z
        .array(z.string())
        .default(['unsubscribe'])
        .describe('Local parts whose mail is an unsubscribe request.'),
      maxMessageBytes: positiveInt
        .default(25 * 1024 * 1024)
        .describe('Largest accepted message (advertised as SIZE); larger gets 552 5.3.4.'),
      maxRecipients: positiveInt.default(50).describe('Most RCPT TO per message; more get 452 4.5.3.'),
      maxConnections: positiveInt.default(200).describe('Most concurrent SMTP sessions; more get 421.'),
      maxConnectionsPerIp: positiveInt
        .default(20)
        .describe('Most concurrent SMTP sessions from one client IP; more get 421.'),
      maxConnectionsPerSubnet: positiveInt
        .default(40)
        .describe(
          'Most concurrent SMTP sessions from one IPv4 /24 or IPv6 /64; more get 421. When every slot is taken, a source below its fair share takes over the newest session of the source holding the most.',
        ),
      idleTimeoutMs: positiveInt.default(60_000).describe('Close a session idle this long.'),
      dataIdleTimeoutMs: positiveInt
        .default(30_000)
        .describe('Inside DATA, close a session that sends no byte for this long (421 4.4.2).'),
      dataMinBytesPerSecond: z
        .number()
        .int()
        .min(0)
        .default(1024)
        .describe(
          'Inside DATA, the slowest average rate accepted once dataRateGraceMs has passed; slower sessions are closed with 421 4.4.2 (0: no minimum).',
        ),
      dataRateGraceMs: positiveInt
        .default(10_000)
        .describe('How long DATA may run before dataMinBytesPerSecond is enforced.'),
      sessionTimeoutMs: positiveInt.default(10 * 60_000).describe('Close any session open this long.'),
      storeTimeoutMs: positiveInt
        .default(30_000)
        .describe('Deadline for storing a message; past it the client gets 451 and retries.'),
      tlsKeyFile: z.string().default('').describe('PEM private key for STARTTLS (empty: STARTTLS off).'),
      tlsCertFile: z.string().default('').describe('PEM certificate chain for STARTTLS.'),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1').describe('Address the HTTP API and web UI listen on.'),
      port: port.default(8025).describe('HTTP port (0 picks a free port).'),
      publicUrl: z
        .string()
        .default('')
        .describe('Base URL users reach the web UI at (for links in mail); default http://host:port.'),
      metricsToken: z
        .string()
        .default('')
        .describe(
          'Bearer token Prometheus sends to read GET /metrics (Authorization: Bearer <token>); any API token (role viewer or above) works too. Empty: API tokens only — /metrics always needs one.',
        ),
      lookupCacheMs: z
        .number()
        .int()
        .min(0)
        .default(1000)
        .describe(
          "How long a node reuses an API token it verified and a client's id it looked up (the suppression check reads both on every request: on PostgreSQL each is a round trip). A token revoked, or a client deleted, on this node stops at once; on another node within this time. 0: read them on every request.",
        ),
    })
    .prefault({}),
  health: z
    .strictObject({
      storeProbeTimeoutMs: positiveInt
        .default(1000)
        .describe(
          '/healthz writes a heartbeat row; waiting longer than this for the database lock fails the store check.',
        ),
      maxConsecutiveFailures: positiveInt
        .default(5)
        .describe(
          'Consecutive crashes of the worker, outbox, webhook or enforcement loop at which /healthz fails.',
        ),
      maxQueued: positiveInt
        .default(10_000)
        .describe('Queued messages (waiting for the worker) above which /healthz fails the backlog check.'),
      maxQueueAgeMs: positiveInt
        .default(15 * 60_000)
        .describe('Age of the oldest queued message above which /healthz fails the backlog check.'),
    })
    .prefault({}),
  worker: z
    .strictObject({
      maxAttempts: positiveInt.default(5).describe('Attempts before a failing message is quarantined.'),
      retryBaseMs: positiveInt.default(2000).describe('First retry delay; doubles each attempt.'),
      pollMs: positiveInt.default(1000).describe('How often the worker looks for due work when not woken.'),
      batchSize: positiveInt.default(64).describe('Messages taken per worker round.'),
      maxBacklog: positiveInt
        .default(10_000)
        .describe(
          'Queued messages past which intake answers 451 4.7.1 to the source (client IPv4 /24 or IPv6 /64) with the most queued messages, at RCPT and at the end of DATA.',
        ),
      process: z
        .boolean()
        .default(true)
        .describe(
          "The pipeline runs in a child process of serve, with its own event loop and database connection, so SMTP and HTTP never wait for it and a node uses more than one core; false runs it on serve's own event loop (tests that inject pipeline stages do).",
        ),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('Log level (pino).'),
    })
    .prefault({}),
  parse: z
    .strictObject({
      ticketIdPattern: z
        .string()
        .default('\\bAD-[0-9A-Z]{6}\\b')
        .describe('Regex source of our ticket ids, found in Subject/In-Reply-To/References of replies.'),
      campaignHeaders: z
        .array(z.string().min(1))
        .default(['X-Campaign-ID', 'X-Client-ID', 'X-Mailer-Campaign'])
        .describe('Header names of the original that carry campaign identifiers.'),
      verpPattern: z
        .string()
        .default('')
        .describe('Regex source with named groups applied to the original Return-Path (empty: no VERP).'),
      maxDepth: positiveInt
        .default(12)
        .describe('Deepest MIME nesting parsed; deeper mail becomes kind other.'),
      maxParts: positiveInt.default(500).describe('Most MIME parts parsed per message.'),
      maxHeaderBytes: positiveInt
        .default(256 * 1024)
        .describe('Largest header block parsed per MIME entity.'),
      timeoutMs: positiveInt.default(2000).describe('Parse time budget per message.'),
      threads: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe(
          'Parse threads of serve (authenticate, classify and extract run there, off the event loop); 0: one per core but one, at least one.',
        ),
      threadTimeoutMs: positiveInt
        .default(5000)
        .describe(
          'A parse thread that has not answered within this (plus authenticate.timeoutMs for authentication) is replaced; the message becomes kind other, past a parse bound.',
        ),
      threadMaxHeapMb: positiveInt
        .default(512)
        .describe(
          'Heap limit of each parse thread (MB); a message that exhausts it becomes kind other, past a parse bound.',
        ),
      inProcessMaxBytes: z
        .number()
        .int()
        .min(0)
        .default(65536)
        .describe(
          'Messages up to this size are read on the event loop (a thread round trip costs more than their parse, and the parser stays bounded at this size); larger ones go to the parse threads. 0: every message goes to the threads.',
        ),
    })
    .prefault({}),
  authenticate: z
    .strictObject({
      dns: z
        .enum(['system', 'off'])
        .default('system')
        .describe(
          'DNS for DKIM/SPF/DMARC/ARC of incoming reports: the system resolver, or off (nothing verified, nothing trusted).',
        ),
      timeoutMs: positiveInt
        .default(5000)
        .describe('Time budget for authenticating one report; past it results are temperror.'),
    })
    .prefault({}),
  tokens: z
    .strictObject({
      keys: z
        .array(tokenKeySchema)
        .min(1, 'configure at least one trace-token key')
        .default([{ ...DEMO_TOKEN_KEY }])
        .describe(
          'Trace-token keys as [{"id","secret"}]. The default is a public DEMO key, which serve refuses outside demo mode (see demo.enabled): replace it with your own secret, and keep retired keys listed so their tokens still open.',
        ),
      activeKeyId: z
        .string()
        .default(DEMO_TOKEN_KEY.id)
        .describe(
          'Id of the key that mints new trace tokens; every key in tokens.keys opens them (rotation).',
        ),
    })
    .superRefine((t, ctx) => {
      const ids = t.keys.map((k) => k.id);
      if (!ids.includes(t.activeKeyId))
        ctx.addIssue({
          code: 'custom',
          path: ['activeKeyId'],
          message: `no key in tokens.keys has id "${t.activeKeyId}"`,
        });
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined)
        ctx.addIssue({ code: 'custom', path: ['keys'], message: `key id "${dup}" is listed twice` });
    })
    .prefault({}),
  actions: z
    .strictObject({
      globalSuppressionReasons: z
        .array(z.enum(['complaint', 'opt-out', 'bounce', 'unsubscribe', 'manual', 'trap']))
        .default(['trap'])
        .describe("Suppression reasons applied in every client's scope, not just the attributed client's."),
      untrustedMaxSuppressions: z
        .number()
        .int()
        .min(0)
        .default(1)
        .describe(
          'Most addresses one unverified report may suppress (a forged report must not suppress at scale).',
        ),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      transport: z
        .enum(['file', 'smtp'])
        .default('file')
        .describe(
          'How queued mail leaves: file writes each message as <dataDir>/outbox/<timestamp>-<id>.eml (nothing leaves the machine); smtp hands it to the relay below.',
        ),
      smtpHost: z.string().default('').describe('SMTP relay host (required when transport is smtp).'),
      smtpPort: port.default(587).describe('SMTP relay port.'),
      smtpSecure: z
        .boolean()
        .default(false)
        .describe(
          'Implicit TLS from the first byte (port 465); false uses STARTTLS when the relay offers it.',
        ),
      smtpUser: z.string().default('').describe('SMTP AUTH user (empty: no AUTH).'),
      smtpPassword: z.string().default('').describe('SMTP AUTH password.'),
      from: z
        .string()
        .refine(isMailAddress, 'not one valid mail address (RFC 5322 §3.4.1)')
        .default('abuse@esp.example')
        .describe(
          'From address of acknowledgements; replies to it thread into the ticket, so it should be one of the accepted mailboxes.',
        ),
      fromName: z
        .string()
        .regex(/^[^\r\n]*$/, 'a display name is one line')
        .default('ESP Abuse Desk')
        .describe('Display name of the From address.'),
      maxAttempts: positiveInt
        .default(8)
        .describe('Delivery attempts before an outbox row is marked failed.'),
      retryBaseMs: positiveInt
        .default(30_000)
        .describe('First retry delay; doubles each attempt up to retryMaxMs.'),
      retryMaxMs: positiveInt.default(60 * 60_000).describe('Longest delay between two delivery attempts.'),
      pollMs: positiveInt
        .default(5000)
        .describe('How often the outbox sender looks for due rows when not woken.'),
      leaseMs: positiveInt
        .default(5 * 60_000)
        .describe(
          `How long a mail being sent stays with the sender that took it: mail a node was sending when it died is sent this long after (again: at least once). With transport smtp at least ${shortestRelayLeaseMs} (the relay's connection, greeting and idle timeouts), or a slow relay would get the same mail twice.`,
        ),
      ackDailyCap: positiveInt
        .default(3)
        .describe('Most acknowledgements one address gets per day (across tickets).'),
      ackRequireAuthentication: z
        .boolean()
        .default(true)
        .describe(
          'Acknowledge only reporters whose own domain authenticates the report (a DKIM signature or SPF pass aligned with it, as DMARC requires); false also writes to unverified From addresses, which forged reports turn into backscatter.',
        ),
      ackHourlyCap: positiveInt.default(200).describe('Most acknowledgements queued per hour in all.'),
      ackHourlyCapPerNetwork: positiveInt
        .default(30)
        .describe(
          'Most acknowledgements per hour for reports from one SMTP client network (/24 IPv4, /48 IPv6).',
        ),
      ackHourlyCapPerDomain: positiveInt
        .default(50)
        .describe('Most acknowledgements per hour to addresses of one reporter domain.'),
    })
    .superRefine((o, ctx) => {
      if (o.transport === 'smtp' && o.smtpHost === '')
        ctx.addIssue({ code: 'custom', path: ['smtpHost'], message: 'transport smtp needs a relay host' });
      if (o.transport === 'smtp' && o.leaseMs < shortestRelayLeaseMs)
        ctx.addIssue({
          code: 'custom',
          path: ['leaseMs'],
          message: `with transport smtp, leaseMs must be at least ${shortestRelayLeaseMs} (the relay's connection, greeting and idle timeouts): a mail still with the relay when its lease ends would be sent again`,
        });
      retryMaxAtLeastBase(o, ctx);
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      endpoints: z
        .array(
          z.strictObject({
            url: z.url().describe('Endpoint that receives every event (all clients).'),
            secret: z
              .string()
              .regex(
                /^whsec_\S+( whsec_\S+)*$/,
                'whsec_<base64>, several separated by spaces during rotation',
              )
              .describe(
                'Standard Webhooks signing secret(s): whsec_<base64>; several separated by spaces while rotating.',
              ),
          }),
        )
        .default([])
        .describe("Global webhook endpoints, in addition to each client's own webhook_url."),
      maxAttempts: positiveInt
        .default(10)
        .describe('Delivery attempts before a webhook is marked failed (replayable).'),
      retryBaseMs: positiveInt
        .default(30_000)
        .describe('First webhook retry delay; doubles each attempt up to retryMaxMs.'),
      retryMaxMs: positiveInt.default(60 * 60_000).describe('Longest delay between two webhook attempts.'),
      timeoutMs: positiveInt
        .default(10_000)
        .describe('How long one webhook POST may take before it counts as failed.'),
      pollMs: positiveInt
        .default(5000)
        .describe('How often the webhook sender looks for due rows when not woken.'),
      leaseMs: positiveInt
        .default(5 * 60_000)
        .describe(
          'How long a webhook being posted stays with the sender that took it: a POST a node was making when it died is made this long after (again: receivers dedupe on webhook-id). More than timeoutMs.',
        ),
    })
    .superRefine((o, ctx) => {
      if (o.leaseMs <= o.timeoutMs)
        ctx.addIssue({
          code: 'custom',
          path: ['leaseMs'],
          message: `leaseMs must be more than timeoutMs (${o.timeoutMs}): a POST still running when its lease ends would be made again`,
        });
      retryMaxAtLeastBase(o, ctx);
    })
    .prefault({}),
  enforcement: z
    .strictObject({
      mode: z
        .enum(['enforce', 'dry-run'])
        .default('enforce')
        .describe(
          'enforce: automatic status changes apply; dry-run: they are recorded in the client history as what would have happened, and nothing changes.',
        ),
      windowDays: positiveInt
        .max(365)
        .default(30)
        .describe(
          'Rolling window of rates: campaigns started and signals received in the last N days (never before the last reinstatement).',
        ),
      minVolume: positiveInt
        .default(1000)
        .describe(
          'Rate signals are judged only with at least this many messages in the denominator (per client and per campaign).',
        ),
      confidence: z
        .number()
        .gt(0.5)
        .lt(1)
        .default(0.95)
        .describe(
          'Confidence of the Wilson interval: a rate crosses a threshold only when its lower bound does.',
        ),
      fblShareFloor: z
        .number()
        .gt(0)
        .max(1)
        .default(0.1)
        .describe(
          'Smallest share of deliveries to feedback-loop providers used to scale the complaint-rate denominator.',
        ),
      recoverRatio: z
        .number()
        .gt(0)
        .max(1)
        .default(0.5)
        .describe(
          "Hysteresis: watch/warned steps down only when every rate is below this fraction of the current level's threshold…",
        ),
      minDaysInState: z
        .number()
        .min(0)
        .default(7)
        .describe('…and the status has held at least this many days.'),
      autoSuspend: z
        .boolean()
        .default(true)
        .describe('false: automatic enforcement stops at warned and a suspension is only proposed to staff.'),
      sweepIntervalMs: positiveInt
        .default(60 * 60_000)
        .describe(
          'How often every client is re-assessed (windows slide and hysteresis releases even without new reports).',
        ),
      countTokenProvenSignals: z
        .boolean()
        .default(true)
        .describe(
          'Count human complaints, bounces and unsubscribes proven by a trace token or the send log (one per recipient) — complaints and bounces only when also authenticated or corroborated (corroborationSources); false: only DKIM-verified FBL reports count.',
        ),
      sharedListDays: positiveInt
        .max(365)
        .default(90)
        .describe(
          'Cross-client list intelligence: a complainant or spam trap reported against two or more clients within this many days is flagged on their client and ticket pages as a possible shared, rented or bought list (for staff; nothing acts on it).',
        ),
      corroborationSources: positiveInt
        .min(2)
        .max(20)
        .default(3)
        .describe(
          'A complaint, bounce, blocklisting or trap hit from mail not authenticated for its sender (DKIM or SPF aligned with its From domain, or DKIM of a registered provider) counts only once this many reports, each from a different reporting domain AND a different source network (/24, IPv6 /48), carry that kind of signal about the client within the enforcement window.',
        ),
      thresholds: z
        .strictObject({
          complaintRate: levelThresholds(
            'Complaints per delivered message (to feedback-loop providers when the send log shows the share)',
            { watch: 0.001, warn: 0.0015, suspend: 0.0025 },
          ),
          hardBounceRate: levelThresholds('Hard bounces per sent message', {
            watch: 0.02,
            warn: 0.03,
            suspend: 0.05,
          }),
          unsubscribeRate: levelThresholds('Unsubscribes per delivered message', {
            watch: 0.01,
            warn: null,
            suspend: null,
          }),
          trapHits: levelThresholds(
            'Spam-trap hits (a complaint or bounce involving a listed trap address)',
            { watch: null, warn: null, suspend: 1 },
          ),
          blocklistings: levelThresholds('Bounces saying the mail was refused because of a blocklisting', {
            watch: null,
            warn: null,
            suspend: 1,
          }),
        })
        .prefault({}),
      trapAddresses: z
        .array(
          z
            .string()
            .regex(/^([^@\s]+@|@)[a-z0-9.-]+\.[a-z]{2,}$/i, 'an address, or @domain for a whole trap domain'),
        )
        .default([])
        .describe(
          'Spam-trap addresses (or @domain) kept in the managed trap list (staff add more with the API or `abusedesk traps add`).',
        ),
      refusedConsentMethods: z
        .array(z.enum(consentMethods))
        .default(['rented', 'bought', 'harvested'])
        .describe('Consent methods that never justify a reinstatement (the API refuses with 422).'),
      scoreWeights: z
        .strictObject({
          complaints: z
            .number()
            .min(0)
            .max(100)
            .default(40)
            .describe('Most points complaints take off the reputation score.'),
          hardBounces: z
            .number()
            .min(0)
            .max(100)
            .default(20)
            .describe('Most points hard bounces (bad addresses) take off.'),
          unsubscribes: z.number().min(0).max(100).default(10).describe('Most points unsubscribes take off.'),
          trapHits: z.number().min(0).max(100).default(15).describe('Most points spam-trap hits take off.'),
          blocklistings: z
            .number()
            .min(0)
            .max(100)
            .default(5)
            .describe('Most points blocklisting reports take off.'),
          nonEngagement: z
            .number()
            .min(0)
            .max(100)
            .default(10)
            .describe('Most points non-engagement takes off (campaigns with an engaged count only).'),
        })
        .prefault({}),
    })
    .superRefine((e, ctx) => {
      for (const [name, t] of Object.entries(e.thresholds)) {
        const set = (['watch', 'warn', 'suspend'] as const).filter((k) => t[k] !== null);
        for (let i = 1; i < set.length; i++) {
          if ((t[set[i]!] as number) <= (t[set[i - 1]!] as number))
            ctx.addIssue({
              code: 'custom',
              path: ['thresholds', name, set[i]!],
              message: `must be above ${set[i - 1]!} (${String(t[set[i - 1]!])})`,
            });
        }
      }
    })
    .prefault({}),
  imap: z
    .strictObject({
      sources: z
        .array(
          z
            .strictObject({
              name: z
                .string()
                .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/i, 'a source name is letters, digits, - or _ (up to 40)')
                .describe('Name of the source in logs, /healthz, metrics and `abusedesk imap test NAME`.'),
              host: z.string().min(1, 'the IMAP server host name is required').describe('IMAP server host.'),
              port: port.optional().describe('IMAP server port (default 993 with security tls, else 143).'),
              security: z
                .enum(['tls', 'starttls', 'none'])
                .default('tls')
                .describe(
                  'tls: implicit TLS (IMAPS); starttls: upgrade or refuse to log in; none: cleartext (test servers only).',
                ),
              rejectUnauthorized: z
                .boolean()
                .default(true)
                .describe(
                  'Refuse a server certificate that does not verify (false: self-signed test servers).',
                ),
              user: z.string().min(1, 'the IMAP login is required').describe('IMAP login.'),
              password: z.string().default('').describe('IMAP password (or set passwordEnv).'),
              passwordEnv: z
                .string()
                .regex(/^([A-Za-z_][A-Za-z0-9_]*)?$/, 'an environment variable name such as IMAP_PASSWORD')
                .default('')
                .describe('Name of the environment variable holding the IMAP password.'),
              mailbox: z.string().min(1).default('INBOX').describe('Mailbox (folder) mail is taken from.'),
              after: z
                .enum(['flag', 'move', 'delete'])
                .default('flag')
                .describe(
                  'What is done to a message on the server once it is stored: flag (\\Seen and the keyword), move (to moveTo) or delete (expunge).',
                ),
              moveTo: z.string().default('').describe('Mailbox taken messages are moved to (after: move).'),
              keyword: z
                .string()
                .regex(/^[^\s(){%*"\\\]]+$/, 'an IMAP keyword is one atom such as $AbusedeskTaken')
                .default('$AbusedeskTaken')
                .describe(
                  'Keyword set on taken messages (after: flag); flagged messages are not taken again.',
                ),
              recipient: z
                .string()
                .default('')
                .describe(
                  'Address this mailbox receives mail for (e.g. abuse@esp.example), recorded as the envelope recipient.',
                ),
              idle: z
                .boolean()
                .default(true)
                .describe('Wait for new mail with IMAP IDLE when the server offers it (else poll).'),
              pollSeconds: positiveInt
                .default(60)
                .describe('How often the mailbox is looked at without IDLE (and as a safety net with it).'),
              timeoutSeconds: positiveInt
                .default(30)
                .describe('Deadline for connecting and for the server greeting.'),
            })
            .superRefine((s, ctx) => {
              if (s.password === '' && s.passwordEnv === '')
                ctx.addIssue({
                  code: 'custom',
                  path: ['password'],
                  message: 'set password or passwordEnv (the environment variable holding it)',
                });
              if (s.password !== '' && s.passwordEnv !== '')
                ctx.addIssue({
                  code: 'custom',
                  path: ['passwordEnv'],
                  message: 'set password or passwordEnv, not both',
                });
              if (s.after === 'move' && s.moveTo === '')
                ctx.addIssue({
                  code: 'custom',
                  path: ['moveTo'],
                  message: 'after: move needs moveTo, the mailbox taken messages go to',
                });
              if (s.after === 'move' && s.moveTo === s.mailbox)
                ctx.addIssue({
                  code: 'custom',
                  path: ['moveTo'],
                  message: 'moveTo must differ from mailbox',
                });
            }),
        )
        .default([])
        .describe(
          'IMAP mailboxes abusedesk takes mail from besides SMTP: [{name, host, port, security, user, password or passwordEnv, mailbox, after, moveTo, …}] (see "Taking mail from an IMAP mailbox").',
        )
        .superRefine((sources, ctx) => {
          const seen = new Set<string>();
          sources.forEach((s, i) => {
            if (seen.has(s.name.toLowerCase()))
              ctx.addIssue({
                code: 'custom',
                path: [i, 'name'],
                message: `source name "${s.name}" is used twice`,
              });
            seen.add(s.name.toLowerCase());
          });
        }),
      retryBaseMs: positiveInt
        .default(5000)
        .describe('First reconnect delay after an IMAP source fails; doubles each failure, with jitter.'),
      retryMaxMs: positiveInt
        .default(5 * 60_000)
        .describe('Longest delay between two reconnects of a failing IMAP source.'),
    })
    .superRefine(retryMaxAtLeastBase)
    .prefault({}),
  retention: z
    .strictObject({
      rawMessagesDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(90)
        .describe(
          'Days the raw bytes of a processed message are kept (null: forever); the message row, its report and ticket stay, and the ticket records the purge.',
        ),
      reportsDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(365)
        .describe(
          "Days a report's parsed detail (addresses, original headers, identifiers, decision targets) and the message's stage trail are kept (null: forever); kind, client, campaign and time stay for rates.",
        ),
      resolvedTicketsDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(730)
        .describe(
          'Days a resolved ticket (with its timeline) is kept after it was resolved (null: forever); open and pending tickets are never purged.',
        ),
      auditLogDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(1095)
        .describe('Days audit log entries are kept (null: forever).'),
      outboxDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(30)
        .describe(
          'Days sent and failed outbox rows (mail and webhook delivery logs) are kept after they were queued (null: forever); pending rows are never purged.',
        ),
      expiredLoginsDays: z
        .number()
        .int()
        .min(0)
        .nullable()
        .default(0)
        .describe(
          'Days expired staff sessions and ended login-failure windows are kept (0: removed at the next purge; null: forever).',
        ),
      goneNodesDays: z
        .number()
        .int()
        .min(1)
        .nullable()
        .default(7)
        .describe(
          'Days a node that no longer reports itself (stopped or down) stays in the node list (null: until staff forget it). A node id that changes with every start (the default: host name and process id) leaves a row at each restart; a node still reporting is never removed.',
        ),
      purgeIntervalMs: positiveInt
        .nullable()
        .default(60 * 60_000)
        .describe(
          'How often serve purges data past its retention (null: only `abusedesk db purge`). Suppressions are never purged by retention.',
        ),
      batchSize: positiveInt
        .max(10_000)
        .default(500)
        .describe('Rows removed per transaction; the purge yields to intake and the worker between batches.'),
      batchPauseMs: z
        .number()
        .int()
        .min(0)
        .max(10_000)
        .default(20)
        .describe(
          'Pause after each purge batch, at least as long as the batch took: the write lock is free at least half the time, so intake (another connection, waiting in its busy handler) always gets it.',
        ),
    })
    .prefault({}),
  suppressions: z
    .strictObject({
      expiryDays: z
        .strictObject({
          complaint: z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(null)
            .describe('Days until a complaint suppression expires (null: never).'),
          'opt-out': z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(null)
            .describe('Days until an opt-out suppression expires (null: never).'),
          bounce: z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(365)
            .describe('Days until a hard bounce suppression expires (null: never).'),
          unsubscribe: z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(null)
            .describe('Days until an unsubscribe suppression expires (null: never).'),
          manual: z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(null)
            .describe('Days until a manual suppression expires (null: never).'),
          trap: z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(null)
            .describe('Days until a spam trap suppression expires (null: never).'),
          'soft-bounce-limit': z
            .number()
            .int()
            .min(1)
            .nullable()
            .default(30)
            .describe('Days until the soft-bounce limit suppression expires (null: never).'),
        })
        .prefault({})
        .describe(
          'Days after which a suppression of each reason expires and stops counting (null: never). Defaults: a hard bounce 365 days (mailboxes get re-created), the soft-bounce limit 30 days; complaints, opt-outs, unsubscribes, traps and manual ones never (only staff lift them).',
        ),
      softBounceLimit: z
        .number()
        .int()
        .min(0)
        .default(3)
        .describe(
          'Soft bounces of one address (for one client) within softBounceWindowDays, with no delivery since, that suppress it (reason soft-bounce-limit); 0 turns the rule off.',
        ),
      softBounceWindowDays: z
        .number()
        .int()
        .min(1)
        .default(14)
        .describe('Days the soft-bounce limit counts back.'),
      streamReasons: z
        .array(
          z.enum(['complaint', 'opt-out', 'bounce', 'unsubscribe', 'manual', 'trap', 'soft-bounce-limit']),
        )
        .default(['complaint', 'opt-out', 'unsubscribe'])
        .describe(
          "Reasons a report suppresses for the reported mail's stream only (sends.stream, e.g. a complaint about marketing mail leaves transactional receipts flowing); other reasons, and reports whose send has no stream, suppress for every stream.",
        ),
      expiryIntervalMs: z
        .number()
        .int()
        .min(100)
        .default(60_000)
        .describe(
          'How often expired suppressions are removed (and their suppression.removed webhooks queued); checks ignore an expired row at once.',
        ),
      webhookPollMs: z
        .number()
        .int()
        .min(10)
        .default(500)
        .describe(
          'How often the change log is read for suppression changes that have no webhook event yet (staff UI, CLI and other direct writes).',
        ),
    })
    .prefault({}),
  espWebhooks: z
    .strictObject({
      amazonSes: z
        .strictObject({
          enabled: z
            .boolean()
            .default(false)
            .describe(
              'Accept Amazon SES notifications from an SNS HTTPS subscription at POST /hooks/esp/amazon-ses.',
            ),
          topicArns: z
            .array(
              z.string().regex(/^arn:aws[\w-]*:sns:/, 'an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)'),
            )
            .default([])
            .describe('SNS topics accepted (empty: any topic whose message signature verifies).'),
          certHostPattern: z
            .string()
            .default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$')
            .describe(
              'Hosts the signing certificate (SigningCertURL) and SubscribeURL may come from (a regular expression).',
            ),
          confirmSubscriptions: z
            .boolean()
            .default(true)
            .describe('Confirm a verified SubscriptionConfirmation by fetching its SubscribeURL.'),
        })
        .prefault({}),
      sendgrid: z
        .strictObject({
          publicKey: z
            .string()
            .nullable()
            .default(null)
            .describe(
              'Verification key of the SendGrid Event Webhook (base64 DER or PEM); set it to accept POST /hooks/esp/sendgrid.',
            ),
        })
        .prefault({}),
      mailgun: z
        .strictObject({
          signingKey: z
            .string()
            .nullable()
            .default(null)
            .describe('Mailgun HTTP webhook signing key; set it to accept POST /hooks/esp/mailgun.'),
        })
        .prefault({}),
      postmark: z
        .strictObject({
          username: z
            .string()
            .nullable()
            .default(null)
            .describe('Basic-auth user Postmark webhooks must send (POST /hooks/esp/postmark).'),
          password: z
            .string()
            .nullable()
            .default(null)
            .describe('Basic-auth password Postmark webhooks must send.'),
        })
        .prefault({}),
      sparkpost: z
        .strictObject({
          username: z
            .string()
            .nullable()
            .default(null)
            .describe('Basic-auth user SparkPost webhooks must send (POST /hooks/esp/sparkpost).'),
          password: z
            .string()
            .nullable()
            .default(null)
            .describe('Basic-auth password SparkPost webhooks must send.'),
        })
        .prefault({}),
      maxAgeSeconds: positiveInt
        .default(900)
        .describe('Signed SendGrid and Mailgun events older (or newer) than this are refused as replays.'),
      maxBodyBytes: positiveInt.default(5 * 1024 * 1024).describe('Largest webhook request body accepted.'),
    })
    .prefault({}),
  desk: z
    .strictObject({
      clientNotices: z
        .strictObject({
          watch: z
            .boolean()
            .default(false)
            .describe("Mail the client's abuse contact when its status becomes watch."),
          warned: z
            .boolean()
            .default(false)
            .describe("Mail the client's abuse contact when its status becomes warned."),
          suspended: z
            .boolean()
            .default(false)
            .describe("Mail the client's abuse contact when it is suspended."),
          active: z
            .boolean()
            .default(false)
            .describe(
              "Mail the client's abuse contact when it becomes active again (reinstated or lowered).",
            ),
        })
        .prefault({})
        .describe(
          'Status-change notices to clients (data/templates/client-notice/<lang>.json, in the client language), queued in the outbox and recorded on the client history and audit log; off unless enabled per status.',
        ),
    })
    .prefault({}),
  privacy: z
    .strictObject({
      hashKey: z
        .string()
        .min(32, 'privacy.hashKey needs at least 32 characters (e.g. openssl rand -base64 32)')
        .default(DEMO_PRIVACY_HASH_KEY)
        .describe(
          'Secret (≥ 32 characters) of the keyed hash (HMAC-SHA256) that an erased address is kept as, so it stays suppressed; changing it makes earlier erased suppressions unrecognisable.',
        ),
    })
    .prefault({}),
  demo: z
    .strictObject({
      load: z.boolean().default(true).describe('Load data/demo into an empty database at start.'),
      enabled: z
        .boolean()
        .default(false)
        .describe(
          'Run as a demo: serve accepts the public demo trace-token key in any data dir. Without it the demo key is accepted only in the default data dir holding demo clients only; elsewhere serve refuses to start until tokens.keys has your own secret.',
        ),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
