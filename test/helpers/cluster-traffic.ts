import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCluster, type Cluster, type ClusterOptions } from './cluster-nodes.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { keyringFromConfig } from '../../src/attribute/token-keyring.ts';
import { mintTraceToken } from '../../src/attribute/trace-token.ts';
import {
  dataPayload,
  openSession,
  queueIdOf,
  type DataPayload,
  type SmtpClient,
} from '../../src/bench/smtp-client.ts';
import { frenchInlineForward, yahooFbl } from '../../src/demo/report-builders.ts';

/** One report to deliver: its envelope, its prepared DATA bytes and what it should cause. */
export interface Outgoing {
  index: number;
  kind: 'fbl' | 'complaint';
  mailFrom: string;
  rcpt: string;
  payload: DataPayload;
  /** The address it complains about (suppressed for `client`). */
  recipient: string;
  client: string;
  /** A human complaint's reporter (acknowledged). */
  reporter: string | null;
}

/** Demo campaigns (data/demo) with the domain their mail comes from. */
const campaigns = [
  { client: 'acme', campaign: 'acme-spring-sale', domain: 'news.acme.example' },
  { client: 'acme', campaign: 'acme-weekly-news', domain: 'news.acme.example' },
  { client: 'globex', campaign: 'globex-rentree', domain: 'mail.globex.example' },
  { client: 'globex', campaign: 'globex-webinar', domain: 'mail.globex.example' },
  { client: 'initech', campaign: 'initech-winter-promo', domain: 'initech.example' },
];

/**
 * `count` realistic reports for the demo clients, each about a distinct recipient: Yahoo feedback-loop reports
 * (ARF, RFC 5965) carrying a trace token, and every `complaintEvery`-th one a human complaint (an inline forward
 * whose unsubscribe link holds the token) from a distinct reporter, which gets an acknowledgement.
 */
export function clusterReports(count: number, complaintEvery = 10, tag = `${Date.now()}`): Outgoing[] {
  // The services run in demo mode: the default (public demo) key opens these tokens.
  const keyring = keyringFromConfig(loadConfig({ env: {} }).config);
  const sentAt = new Date(Date.now() - 3600_000);
  return Array.from({ length: count }, (_, index) => {
    // Shifted every round of complaintEvery, so the human complaints too are spread over every campaign.
    const c = campaigns[(index + Math.floor(index / complaintEvery)) % campaigns.length]!;
    const recipient = `user${index}.${tag}@example.net`;
    const token = mintTraceToken({ client: c.client, campaign: c.campaign, recipient, sentAt }, keyring);
    if (index % complaintEvery === complaintEvery - 1) {
      const reporter = `reporter${index}@mail${index % 97}.example.org`;
      return {
        index,
        kind: 'complaint',
        mailFrom: reporter,
        rcpt: 'abuse@esp.example',
        payload: dataPayload(
          frenchInlineForward({
            reporter,
            messageId: `<fwd-${index}-${tag}@example.org>`,
            token,
            to: recipient,
          }),
        ),
        recipient,
        client: c.client,
        reporter,
      };
    }
    const body = yahooFbl({
      n: index,
      recipient,
      token,
      campaign: c.campaign,
      client: c.client,
      domain: c.domain,
    })
      // yahooFbl's Message-ID has the clock's milliseconds: the index and tag make each report's id unique.
      .replace(/^Message-ID: <yahoo-fbl-/m, `Message-ID: <yahoo-fbl-${tag}-`);
    return {
      index,
      kind: 'fbl',
      mailFrom: 'feedback@arf.mail.yahoo.com',
      rcpt: 'fbl@esp.example',
      payload: dataPayload(body),
      recipient,
      client: c.client,
      reporter: null,
    };
  });
}

/**
 * Node settings under which every human complaint of a burst is acknowledged: no reporter authentication (DNS is
 * off in tests) and caps above the burst (all of it comes from one loopback network).
 */
export const ackEnv = {
  ABUSEDESK_OUTBOX_ACK_REQUIRE_AUTHENTICATION: 'false',
  ABUSEDESK_OUTBOX_ACK_HOURLY_CAP: '100000',
  ABUSEDESK_OUTBOX_ACK_HOURLY_CAP_PER_NETWORK: '100000',
  ABUSEDESK_OUTBOX_ACK_HOURLY_CAP_PER_DOMAIN: '100000',
};

/** Where the sender delivers: one node's SMTP port and whether its process still runs. */
export interface Target {
  name: string;
  smtpPort: number;
  alive: () => boolean;
}

export interface Accepted {
  index: number;
  /** The node that answered 250. */
  node: string;
  queueId: string;
}

export interface DeliveryResult {
  /** By message index: the 250 reply that took it. */
  accepted: Map<number, Accepted>;
  /** Messages sent again to another node (their node refused, broke the connection or died), counted per try. */
  rerouted: number;
  /** 5xx refusals (never expected: every message is a valid report). */
  refused: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers every message over SMTP, as an MTA would: round-robin over the targets with `connections` sessions
 * per target. A message whose node answers 4xx or breaks the connection is tried again; once its node has died
 * it goes to a live node instead. Resolves when every message was answered 250 (or refused with 5xx).
 */
export async function deliverAll(
  items: Outgoing[],
  targets: Target[],
  options: { connections: number; onAccepted?: (a: Accepted) => void; timeoutMs?: number },
): Promise<DeliveryResult> {
  const queues = new Map(targets.map((t) => [t.name, [] as Outgoing[]]));
  items.forEach((m, i) => queues.get(targets[i % targets.length]!.name)!.push(m));
  const accepted = new Map<number, Accepted>();
  const refused: string[] = [];
  let rerouted = 0;
  let settled = 0;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  /** Moves a message (or a dead node's whole queue) to the live target with the shortest queue. */
  const reroute = (from: Target, m: Outgoing): void => {
    rerouted++;
    if (from.alive()) {
      queues.get(from.name)!.push(m);
      return;
    }
    const live = targets.filter((t) => t.alive());
    if (live.length === 0) throw new Error('every node is down: nowhere to deliver');
    live.sort((a, b) => queues.get(a.name)!.length - queues.get(b.name)!.length);
    queues.get(live[0]!.name)!.push(m);
  };
  const worker = async (target: Target): Promise<void> => {
    const queue = queues.get(target.name)!;
    let client: SmtpClient | null = null;
    try {
      while (settled < items.length) {
        if (Date.now() > deadline)
          throw new Error(`delivery timed out: ${settled} of ${items.length} settled`);
        if (!target.alive()) {
          for (const m of queue.splice(0)) reroute(target, m);
          return;
        }
        const m = queue.shift();
        if (!m) {
          await sleep(10);
          continue;
        }
        if (!client) {
          client = await openSession(target.smtpPort, 'mta.cluster-test.example')
            .then((s) => (s.ehlo.code === 250 ? s.client : (s.client.close(), null)))
            .catch(() => null);
          if (!client) {
            reroute(target, m);
            await sleep(50);
            continue;
          }
        }
        const reply = await client.send(m.mailFrom, [m.rcpt], m.payload);
        const queueId = queueIdOf(reply);
        if (reply.code === 250 && queueId) {
          const a = { index: m.index, node: target.name, queueId };
          accepted.set(m.index, a);
          settled++;
          options.onAccepted?.(a);
        } else if (reply.code >= 500) {
          refused.push(`${m.index}: ${reply.code} ${reply.text}`);
          settled++;
        } else {
          // 4xx or a broken connection (code 0): the message was not taken; a real MTA tries again.
          client.close();
          client = null;
          reroute(target, m);
          if (reply.code !== 0) await sleep(50);
        }
      }
    } finally {
      if (client) await client.quit();
    }
  };
  await Promise.all(targets.flatMap((t) => Array.from({ length: options.connections }, () => worker(t))));
  return { accepted, rerouted, refused };
}

/** A global webhook endpoint on loopback that answers 200 and records each delivery's webhook-id and type. */
export async function webhookSink(): Promise<{
  url: string;
  secret: string;
  /** webhook-id → deliveries of it (a redelivery after a crash is allowed: receivers dedupe on the id). */
  got: Map<string, { type: string; n: number }>;
  close: () => Promise<void>;
}> {
  const got = new Map<string, { type: string; n: number }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const type = (JSON.parse(Buffer.concat(chunks).toString()) as { type: string }).type;
      const seen = got.get(id);
      got.set(id, { type, n: (seen?.n ?? 0) + 1 });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    secret: `whsec_${Buffer.from('cluster-test-secret-0123456789').toString('base64')}`,
    got,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Two nodes whose webhooks go to a sink on loopback and whose acknowledgements are not capped (ackEnv): what
 * the burst tests start; `close` stops both.
 */
export async function startClusterWithSink(
  options: Omit<ClusterOptions, 'nodes'> = {},
): Promise<{ cluster: Cluster; sink: Awaited<ReturnType<typeof webhookSink>>; close: () => Promise<void> }> {
  const sink = await webhookSink();
  const cluster = await startCluster({
    ...options,
    nodes: 2,
    env: {
      ...ackEnv,
      ABUSEDESK_WEBHOOKS_ENDPOINTS: JSON.stringify([{ url: sink.url, secret: sink.secret }]),
      ...options.env,
    },
  }).catch(async (e: unknown) => {
    await sink.close();
    throw e;
  });
  return {
    cluster,
    sink,
    close: async () => {
      await cluster.close();
      await sink.close();
    },
  };
}
