import { createInterface } from 'node:readline/promises';

/**
 * Asks on the terminal and resolves true only when the answer is exactly `expected`. Without a terminal (a script,
 * CI) it resolves false: consequential commands then need their `--yes`.
 */
export async function confirmOnTerminal(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim() === expected;
  } finally {
    rl.close();
  }
}
