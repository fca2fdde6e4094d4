/** A one-line progress bar for terminals; `log` prints a line above it without tearing it. */
export interface ProgressBar {
  update(done: number, note?: string): void;
  log(line: string): void;
  finish(): void;
}

const WIDTH = 30;
const EVERY_MS = 100; // redrawing per row would cost more than the import

export function createProgressBar(out: NodeJS.WritableStream, total: number, label: string): ProgressBar {
  let done = 0;
  let note = '';
  let drawnAt = 0;
  const draw = (): void => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    // \r returns to column 0 and ESC[K (ANSI EL) clears the rest of the line.
    out.write(
      `\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}%${note ? `  ${note}` : ''}`,
    );
    drawnAt = Date.now();
  };
  return {
    update(d, n) {
      done = d;
      if (n !== undefined) note = n;
      if (Date.now() - drawnAt >= EVERY_MS) draw();
    },
    log(line) {
      out.write(`\r\x1b[K${line}\n`);
      draw();
    },
    finish() {
      out.write('\r\x1b[K');
    },
  };
}
