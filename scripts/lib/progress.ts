/**
 * Progress bars for the long-running scripts and benches (cli-progress), drawn on
 * stderr and only when stderr is a terminal: piped into a log, a test or
 * bench/run.ts, nothing of them appears, and stdout keeps exactly what it had
 * (summary lines, a bench's JSON result line). Each run ends with one summary
 * line, which the caller prints with the seconds `stop()` hands back. While a bar
 * is drawn, `say` writes a line above it instead of through it.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Moves the bar on by `by` (default 1); `step` says what is being done now. */
  tick(by?: number, step?: string): void;
  /** Removes the bar (once; later calls only read the clock); returns the seconds since it started. */
  stop(): number;
}

let drawn: cliProgress.MultiBar | null = null;

/** A line of progress text on stderr, above the bar when one is drawn. */
export function say(message: string): void {
  if (drawn) {
    drawn.log(`${message}\n`);
    drawn.update();
  } else process.stderr.write(`${message}\n`);
}

export function progress(label: string, total: number, unit: string): Progress {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  if (!process.stderr.isTTY || drawn) return { tick: () => undefined, stop: seconds };
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} ${unit} | {duration_formatted} | {step}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { step: '' });
  drawn = bars;
  let drawnAt = 0;
  return {
    tick: (by = 1, step = '') => {
      bar.increment(by, { step });
      // Drawn now, not on the next timer: a script may block (spawnSync) right after.
      // At most every 100 ms, so a tight loop (a bench) spends next to nothing on it.
      if (Date.now() - drawnAt >= 100) {
        drawnAt = Date.now();
        bars.update();
      }
    },
    stop: () => {
      if (drawn === bars) {
        bars.stop();
        drawn = null;
      }
      return seconds();
    },
  };
}
