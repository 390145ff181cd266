// Progress of a training run. On a terminal one line is redrawn in place with '\r'; when
// stdout is a pipe or a CI log, '\r' would pile up as garbage, so each update is its own line.
import type { TrainProgress } from 'numgrad';

export interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR = 20;

/** 0:42, 12:05, 1:02:03 */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}

const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);

/** The text of one update (no bar when not on a TTY: the iteration count says it). */
export function progressLine(label: string, p: TrainProgress, bar: boolean): string {
  const width = String(p.iters).length;
  const eta = (p.iters - p.iter) / p.itersPerSec;
  const parts = [
    label,
    ...(bar ? [`[${'#'.repeat(Math.round((BAR * p.iter) / p.iters)).padEnd(BAR, '-')}]`] : []),
    `${String(p.iter).padStart(width)}/${p.iters}`,
    `loss ${p.loss.toFixed(4)}`,
    `train ${pct(p.trainAcc)}`,
    `test ${pct(p.testAcc)}`,
    `${p.itersPerSec.toFixed(1)} it/s`,
    // the first update's rate includes pipeline compiles: an ETA from it would be wild
    `ETA ${p.iter > 1 ? clock(eta) : '?'}`,
  ];
  return parts.join('  ');
}

export class Progress {
  private readonly tty: boolean;
  private drawn = false;

  constructor(private readonly out: Out, private readonly label: string, tty = out.isTTY === true) {
    this.tty = tty;
  }

  update(p: TrainProgress): void {
    if (!this.tty) {
      this.out.write(progressLine(this.label, p, false) + '\n');
      return;
    }
    // A wrapped line cannot be redrawn: on a narrow terminal drop the bar (the count says the
    // same), then the padding, then cut.
    const cols = this.out.columns || 120; // a pty without a size reports 0 columns
    let line = progressLine(this.label, p, true);
    if (line.length > cols - 1) line = progressLine(this.label, p, false);
    if (line.length > cols - 1) line = line.replace(/ {2,}/g, ' ');
    this.out.write('\r' + line.slice(0, cols - 1) + '\x1b[K');
    this.drawn = true;
  }

  /** Ends the redrawn line so what follows starts on a fresh one. */
  done(): void {
    if (this.tty && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
