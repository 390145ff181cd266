// Progress of a training run. On a terminal one line is redrawn in place with '\r', at every
// report from train() (evaluation points, and timed reports at least every half second) and,
// between reports, every quarter second: the iteration count, the
// bar and the ETA then move on at the measured rate (marked '~': an estimate until the next
// report). When stdout is a pipe or a CI log, '\r' would pile up as garbage, so each
// evaluation point is its own line and nothing is estimated.
import type { TrainProgress } from 'numgrad';

export interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR = 20;
/** Redraw period between reports on a terminal (ms): at least twice a second. */
export const REDRAW_MS = 250;

/** 0:42, 12:05, 1:02:03 */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}

const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/**
 * The text of one update (no bar when not on a TTY: the iteration count says it). `estimated`
 * marks a count extrapolated from the rate since the last report.
 */
export function progressLine(label: string, p: TrainProgress, bar: boolean, estimated = false): string {
  const width = String(p.iters).length;
  const eta = (p.iters - p.iter) / p.itersPerSec;
  const parts = [
    label,
    ...(bar ? [`[${'#'.repeat(Math.round((BAR * p.iter) / p.iters)).padEnd(BAR, '-')}]`] : []),
    `${(estimated ? `~${p.iter}` : String(p.iter)).padStart(width)}/${p.iters}`,
    `loss ${p.loss.toFixed(4)}`,
    `train ${pct(p.trainAcc)}`,
    `test ${pct(p.testAcc)}`,
    `${p.itersPerSec.toFixed(1)} it/s`,
    // the first update's rate includes pipeline compiles: an ETA from it would be wild
    `ETA ${p.iter > 1 ? clock(eta) : '?'}`,
  ];
  return parts.join('  ');
}

/** Plain lines (not a TTY) are squeezed to fit 80 columns: single spaces past the label. */
function squeeze(line: string, cols: number): string {
  return line.length > cols ? line.replace(/ {2,}/g, ' ') : line;
}

export class Progress {
  private readonly tty: boolean;
  private drawn = false;
  private last: { p: TrainProgress; at: number; rate: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly out: Out, private readonly label: string, tty = out.isTTY === true, private readonly now = () => performance.now()) {
    this.tty = tty;
  }

  update(p: TrainProgress): void {
    if (!this.tty) {
      // a log gets one line per evaluation point; the timed reports between them would flood it
      if (p.evaluated) this.out.write(squeeze(progressLine(this.label, p, false), 80) + '\n');
      return;
    }
    const at = this.now();
    // the rate between the last two reports (the average since the start includes compiles)
    const prev = this.last;
    const rate = prev && p.iter > prev.p.iter && at > prev.at ? (1000 * (p.iter - prev.p.iter)) / (at - prev.at) : p.itersPerSec;
    this.last = { p, at, rate };
    this.draw(p, false);
    if (!this.timer && p.iter < p.iters) {
      this.timer = setInterval(() => this.tick(), REDRAW_MS);
      this.timer.unref?.(); // never keeps Node alive
    }
  }

  /** Between reports: the count moves on at the measured rate, never past the next report. */
  tick(): void {
    const l = this.last;
    if (!l || l.p.iter >= l.p.iters || !(l.rate > 0)) return;
    const iter = Math.min(l.p.iters - 1, Math.floor(l.p.iter + (l.rate * (this.now() - l.at)) / 1000));
    if (iter <= l.p.iter) return this.draw({ ...l.p, itersPerSec: l.rate }, false);
    this.draw({ ...l.p, iter, itersPerSec: l.rate }, true);
  }

  private draw(p: TrainProgress, estimated: boolean): void {
    // A wrapped line cannot be redrawn: on a narrow terminal drop the bar (the count says the
    // same), then the padding, then cut.
    const cols = this.out.columns || 80; // a pty without a size reports 0 columns
    let line = progressLine(this.label, p, true, estimated);
    if (line.length > cols - 1) line = progressLine(this.label, p, false, estimated);
    if (line.length > cols - 1) line = line.replace(/ {2,}/g, ' ');
    this.out.write('\r' + line.slice(0, cols - 1) + '\x1b[K');
    this.drawn = true;
  }

  /** Ends the redrawn line so what follows starts on a fresh one. */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.last = null;
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
