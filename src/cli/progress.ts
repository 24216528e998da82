// The audit's progress line on stderr (a terminal only): installations done, bytes, rate, time left.
// The line is laid out for the terminal's width: the bar takes what the numbers leave, and goes
// first when space is short, so that rate and ETA stay visible at 80 columns. The cursor, hidden
// while the bar runs, is shown again however the process ends (Ctrl-C included).

import { formatBytes, formatRate } from '../report/bytes.js';
import { atExit } from './exit-cleanup.js';
import { plural } from '../report/plural.js';

export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Seconds left; undefined while unknown. */
  readonly eta: number | undefined;
}

/** One progress line, at most `columns - 1` characters (the last column would wrap on some terminals). */
export function progressLine(state: ProgressState, columns: number): string {
  const width = Math.max(20, columns) - 1;
  const count = `${state.done}/${state.total}`;
  const numbers = [formatBytes(state.bytes), formatRate(state.bytes, state.seconds), `ETA ${formatEta(state.eta)}`];
  const layouts = [
    { head: `audit ${count} ${plural(state.total, 'installation')}`, tail: numbers, minBar: 10 },
    { head: `${count} ${plural(state.total, 'installation')}`, tail: numbers, minBar: 10 },
    { head: count, tail: numbers, minBar: 6 },
    { head: count, tail: numbers, minBar: 0 },
    { head: count, tail: numbers.slice(1), minBar: 0 },
  ];
  for (const { head, tail, minBar } of layouts) {
    const text = `${head}  ${tail.join('  ')}`;
    const room = width - text.length - 3; // "[", "]" and a space
    if (minBar === 0 && text.length <= width) return text;
    if (minBar > 0 && room >= minBar) return `${bar(state.done / Math.max(1, state.total), room)} ${text}`;
  }
  return `${count} ETA ${formatEta(state.eta)}`.slice(0, width);
}

function bar(fraction: number, size: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * size);
  return `[${'#'.repeat(filled)}${'-'.repeat(size - filled)}]`;
}

/** 42 -> "42s", 65 -> "1m05s", 7380 -> "2h03m"; unknown -> "--". */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface Progress {
  update(bytes: number): void;
  /** One more installation done. */
  increment(bytes: number): void;
  stop(): void;
}

const SHOW_CURSOR = '\u001b[?25h';

export async function startProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Promise<Progress> {
  const { default: progress } = await import('cli-progress');
  const started = Date.now();
  let bytes = 0;
  const bar = new progress.SingleBar({
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 5,
    format: (_options, params) =>
      progressLine(
        {
          done: params.value,
          total: params.total,
          bytes,
          seconds: (Date.now() - started) / 1000,
          eta: params.value > 0 ? params.eta : undefined,
        },
        stream.columns || 80,
      ),
  });
  // cli-progress shows the cursor again in stop(); a signal or an error exits without it.
  const restore = atExit(() => stream.write(SHOW_CURSOR));
  bar.start(total, 0);
  return {
    update: (b) => {
      bytes = b;
      bar.update({});
    },
    increment: (b) => {
      bytes = b;
      bar.increment(1);
    },
    stop: () => {
      bar.stop();
      restore();
    },
  };
}
