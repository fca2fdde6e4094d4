import { readFile } from 'node:fs/promises';
import { parseMessage } from './parse-message.ts';

/**
 * Parse throughput on one core, in-process, without DNS: every file parsed repeatedly (at least
 * 2,000 parses in all, after a warm-up) and timed one by one for the p99.
 */
export async function benchParse(files: string[]): Promise<ParseBenchResult> {
  return benchParseMessages(await Promise.all(files.map((f) => readFile(f))));
}

export interface ParseBenchResult {
  messagesPerSecond: number;
  p99Ms: number;
  count: number;
}

/** The same over messages already in memory. */
export async function benchParseMessages(messages: Buffer[]): Promise<ParseBenchResult> {
  if (messages.length === 0) return { messagesPerSecond: 0, p99Ms: 0, count: 0 };
  for (const m of messages) await parseMessage(m);
  const rounds = Math.max(1, Math.ceil(2000 / messages.length));
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    for (const m of messages) {
      const t = performance.now();
      await parseMessage(m);
      times.push(performance.now() - t);
    }
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return {
    messagesPerSecond: Math.round((times.length / total) * 1000),
    p99Ms: Number((times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0).toFixed(3)),
    count: times.length,
  };
}
