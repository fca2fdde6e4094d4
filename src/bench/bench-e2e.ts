import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { keyringFromConfig } from '../attribute/token-keyring.ts';
import { mintTraceToken } from '../attribute/trace-token.ts';
import { fblReport, yahooFbl } from '../demo/report-builders.ts';
import { actedReportTimings } from '../store/reports-store.ts';
import { messageCountsByState } from '../store/messages-store.ts';
import { percentile } from './bench-intake.ts';
import { SmtpClient, queueIdOf } from './smtp-client.ts';
import { openPostgres } from '../db/open-database.ts';
import { startBenchNodes, type BenchNodes } from './bench-nodes.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';
import type { Database } from 'better-sqlite3';
import type { BenchTarget } from './bench-target.ts';
import { batchPhases, byPhase, type BatchPhase } from '../worker/batch-timings.ts';
import { machineLoad, type MachineLoad } from './machine-cpu.ts';
import { readBenchCpu, reportCpu, type ReportCpu } from './process-cpu.ts';

/** Each phase's `abusedesk_pipeline_seconds_total`, summed over the nodes (their /metrics, as a viewer). */
async function pipelineSeconds(servers: BenchNodes): Promise<Record<BatchPhase, number>> {
  const sum = byPhase(() => 0);
  for (const n of servers.nodes) {
    const r = await fetch(`http://127.0.0.1:${n.facts.http}/metrics`, {
      headers: { authorization: `Bearer ${n.facts.token}` },
    });
    if (!r.ok) throw new Error(`GET /metrics of a bench node: HTTP ${r.status}`);
    const text = await r.text();
    for (const p of batchPhases) {
      const m = new RegExp(`^abusedesk_pipeline_seconds_total\\{[^}]*phase="${p}"[^}]*\\} (\\S+)$`, 'm').exec(
        text,
      );
      sum[p] += Number(m?.[1] ?? 0);
    }
  }
  return sum;
}

export interface E2eResult {
  nodes: number;
  reports: number;
  sends: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  byMethod: Record<string, number>;
  /**
   * The burst's pipeline time per phase (claim, think, wait, commit), summed over the nodes, as shares of their
   * total: where a node's time went while it drained the burst (from each node's /metrics before and after).
   */
  phases: Record<BatchPhase, number>;
  /** How busy the whole machine's cores were during the burst, and the load generator's part: near 1, the cores bound it. */
  cpu: MachineLoad;
  /**
   * Milliseconds of CPU each report of the burst cost, by process: the nodes' own (SMTP intake), their pipeline
   * processes, the PostgreSQL server (null on SQLite, whose work is the nodes'), the load generator. Steadier than
   * the burst's rate on a shared machine, and where to look for a faster one. Null off Linux.
   */
  cpuPerReport: ReportCpu | null;
  /** Latency when reports arrive at a steady `pacedRate` per second instead of as fast as the load can send. */
  paced: { rate: number; reports: number; p50Ms: number; p99Ms: number } | null;
}

/** The end-to-end throughput target (reports a second, one node), and the steady load's default rate. */
export const E2E_TARGET_RATE = 1000;

/**
 * End to end: a real `serve`-equivalent process (intake + worker, 100k sends in the send log, the client's
 * enforcement window already holding WINDOW_SIGNALS earlier signals) receives
 * FBL reports over SMTP — half attributable by trace token, half only by the send log (redacted
 * complainant, original Message-ID) — and the time from the first byte of each report to its committed
 * actions is measured (processed_at in the database, same machine clock), after a warm-up. With several
 * nodes (PostgreSQL) the SMTP sessions are spread over them round-robin and each node's worker claims its
 * share of the queue.
 */
export async function benchEndToEnd(
  reports: number,
  connections: number,
  target: BenchTarget = { label: 'SQLite', engine: 'sqlite', nodes: 1 },
  sends = 100_000,
  pacedRate = E2E_TARGET_RATE,
): Promise<E2eResult> {
  const servers = await startBenchNodes('e2e', sends, target);
  try {
    return await drive(reports, connections, sends, servers, pacedRate);
  } finally {
    await servers.stop();
  }
}

/** How long the processed count may stand still before the run is given up (a node died, a message failed). */
const STALL_MS = 60_000;

type Timings = ReturnType<typeof actedReportTimings>;

/**
 * Waits until `done` messages are processed, then returns the timings of `wanted`. While waiting it only reads
 * the processed tally (the timings query, run every poll, would take CPU from the servers measured on the same
 * machine).
 */
async function processed(db: Database, done: number, wanted: ReadonlySet<string>): Promise<Timings> {
  let progressAt = Date.now();
  for (let seen = 0; ;) {
    // The trigger-kept tally, not a count over the messages: the poll must cost the measured servers nothing.
    const n = messageCountsByState(db).done;
    if (n >= done) {
      const rows = actedReportTimings(db).filter((r) => wanted.has(r.queueId));
      if (rows.length >= wanted.size) return rows;
    }
    if (n > seen) [seen, progressAt] = [n, Date.now()];
    else if (Date.now() - progressAt > STALL_MS)
      throw new Error(`stalled: ${n} of ${done} messages processed`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function drive(
  reports: number,
  connections: number,
  sends: number,
  servers: BenchNodes,
  pacedRate: number,
): Promise<E2eResult> {
  const ports = servers.nodes.map((n) => Number(n.facts.port));
  const keyring = keyringFromConfig(loadConfig({ env: {} }).config);
  // A warm-up first (not measured): the JIT, the caches, and PostgreSQL's planner statistics (below).
  const warmUp = Math.min(500, Math.ceil(reports / 8));
  // The paced run: 12 seconds of reports at pacedRate a second.
  const pacedCount = pacedRate > 0 ? Math.round(pacedRate * 12) : 0;
  const bodies = Array.from({ length: warmUp + reports + pacedCount }, (_, i) => {
    const n = (i * 7919) % sends; // spread over the send log
    return i % 2 === 0
      ? yahooFbl({
          n: i,
          recipient: `user${n}@example.net`,
          token: mintTraceToken(
            {
              client: 'acme',
              campaign: 'acme-spring-sale',
              recipient: `user${n}@example.net`,
              sentAt: new Date(),
            },
            keyring,
          ),
          campaign: 'acme-spring-sale',
          client: 'acme',
          domain: 'news.acme.example',
        })
      : fblReport({
          reportMessageId: `<bench-${i}-${Date.now()}@aol.example>`,
          originalTo: 'redacted@aol.com',
          originalMessageId: `<send-${n}@news.acme.example>`,
        });
  });
  /**
   * Sends `list` over `connections` sessions (round-robin over the nodes): queue id → time of the first byte.
   * As fast as the sessions go, or with `perSecond` the i-th report no earlier than i/perSecond seconds after the
   * start (an open load: a slow reply delays only its own session).
   */
  const send = async (list: string[], perSecond = 0): Promise<Map<string, number>> => {
    const started = new Map<string, number>();
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: connections }, async (_, c) => {
        const client = await SmtpClient.connect(ports[c % ports.length]!);
        await client.reply();
        await client.command('EHLO bench.example');
        while (next < list.length) {
          const i = next++;
          const body = list[i]!;
          const wait = perSecond > 0 ? t0 + (i * 1000) / perSecond - Date.now() : 0;
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const at = Date.now();
          const r = await client.send('fbl@provider.example', ['fbl@esp.example'], body);
          const q = queueIdOf(r);
          if (q) started.set(q, at);
        }
        await client.quit();
      }),
    );
    return started;
  };
  const db = servers.databaseUrl
    ? openPostgres(servers.databaseUrl, { migrate: false })
    : new BetterSqlite3(join(servers.nodes[0]!.facts.dir!, 'abusedesk.db'), { readonly: true });
  let rows: Timings;
  let started: Map<string, number>;
  let t0: number;
  let paced: E2eResult['paced'] = null;
  let phases: E2eResult['phases'];
  let cpu: MachineLoad;
  let cpuPerReport: ReportCpu | null = null;
  try {
    const warm = await send(bodies.slice(0, warmUp));
    await processed(db, warm.size, new Set(warm.keys()));
    // The tables went from empty to holding the warm-up: statistics as autovacuum keeps them on a live system
    // (without them PostgreSQL's plans walk whole tables, slower with every report).
    refreshStatistics(db);
    const before = await pipelineSeconds(servers);
    const cpuBefore = readBenchCpu(servers.nodes);
    t0 = Date.now();
    started = await send(bodies.slice(warmUp, warmUp + reports));
    rows = await processed(db, warm.size + started.size, new Set(started.keys()));
    const cpuAfter = readBenchCpu(servers.nodes);
    cpu = machineLoad(cpuBefore.reading, cpuAfter.reading);
    cpuPerReport = reportCpu(cpuBefore, cpuAfter, started.size, servers.databaseUrl !== null);
    const after = await pipelineSeconds(servers);
    const total = batchPhases.reduce((n, p) => n + after[p] - before[p], 0) || 1;
    phases = byPhase((p) => (after[p] - before[p]) / total);
    if (pacedCount > 0) {
      const sent = await send(bodies.slice(warmUp + reports), pacedRate);
      const timings = await processed(db, warm.size + started.size + sent.size, new Set(sent.keys()));
      const ms = latencies(timings, sent);
      paced = { rate: pacedRate, reports: ms.length, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99) };
    }
  } finally {
    db.close();
  }
  const burst = latencies(rows, started);
  const last = Math.max(...rows.map((r) => Date.parse(r.processedAt)));
  const byMethod: Record<string, number> = {};
  for (const r of rows) byMethod[r.method ?? 'none'] = (byMethod[r.method ?? 'none'] ?? 0) + 1;
  return {
    nodes: ports.length,
    reports: rows.length,
    sends,
    perSecond: rows.length / ((last - t0) / 1000),
    p50Ms: percentile(burst, 50),
    p99Ms: percentile(burst, 99),
    byMethod,
    phases,
    cpu,
    cpuPerReport,
    paced,
  };
}

/** Each report's milliseconds from its first byte to its committed actions, sorted. */
const latencies = (rows: Timings, started: ReadonlyMap<string, number>): number[] =>
  rows.map((r) => Date.parse(r.processedAt) - started.get(r.queueId)!).sort((a, b) => a - b);
