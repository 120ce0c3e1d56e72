/**
 * Progress of a long replay, on stderr so stdout keeps only the summary: on a terminal one bar redrawn in place,
 * otherwise (CI logs, nohup, a pipe) one plain line every interval. Files, records, megabytes, records/s and an
 * ETA from the share of bytes read.
 */
import type { Writable } from 'node:stream';

export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressCounts {
  readonly received: number;
  readonly deadLettered: number;
}

export interface ProgressSnapshot extends ProgressCounts {
  readonly filesRead: number;
  readonly files: number;
  readonly bytesRead: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

const REDRAW_MS = 250;
const BAR_WIDTH = 24;

export class ReplayProgress {
  readonly #out: ProgressOutput;
  readonly #intervalMs: number;
  readonly #started = Date.now();
  readonly #totals: { readonly files: number; readonly bytes: number };
  #filesRead = 0;
  #bytesRead = 0;
  #counts: ProgressCounts = { received: 0, deadLettered: 0 };
  #timer: NodeJS.Timeout | undefined;

  constructor(out: ProgressOutput | Writable, totals: { files: number; bytes: number }, intervalMs: number) {
    this.#out = out as ProgressOutput;
    this.#totals = totals;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    const tty = this.#out.isTTY === true;
    this.#timer = setInterval(() => this.#draw(), tty ? REDRAW_MS : this.#intervalMs);
    this.#timer.unref();
  }

  addBytes(bytes: number): void {
    this.#bytesRead += bytes;
  }

  fileRead(): void {
    this.#filesRead++;
  }

  update(counts: ProgressCounts): void {
    this.#counts = { received: counts.received, deadLettered: counts.deadLettered };
  }

  /** Draws the final state once more and leaves the terminal on a fresh line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#draw();
    if (this.#out.isTTY) this.#out.write('\n');
  }

  snapshot(): ProgressSnapshot {
    return {
      ...this.#counts,
      filesRead: this.#filesRead,
      files: this.#totals.files,
      bytesRead: this.#bytesRead,
      bytes: this.#totals.bytes,
      elapsedMs: Date.now() - this.#started,
    };
  }

  #draw(): void {
    const snapshot = this.snapshot();
    if (!this.#out.isTTY) {
      this.#out.write(`replay: ${progressLine(snapshot)}\n`);
      return;
    }
    const line = `${progressBar(snapshot)} ${progressLine(snapshot)}`;
    // A terminal that does not say its width (0 or absent) gets the classic 80 columns.
    const width = Math.max(20, (this.#out.columns || 80) - 1);
    this.#out.write(`\r${line.slice(0, width)}\x1b[K`);
  }
}

export function progressLine(snapshot: ProgressSnapshot): string {
  const seconds = snapshot.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(snapshot.received / seconds) : 0;
  const dead = snapshot.deadLettered > 0 ? ` (${snapshot.deadLettered.toLocaleString('en')} dead-lettered)` : '';
  // Most telling first: a narrow terminal cuts the end of the line.
  return [
    `${percent(snapshot)}%`,
    `ETA ${eta(snapshot)}`,
    `files ${snapshot.filesRead}/${snapshot.files}`,
    `records ${snapshot.received.toLocaleString('en')}${dead}`,
    `${megabytes(snapshot.bytesRead)}/${megabytes(snapshot.bytes)} MB`,
    `${rate.toLocaleString('en')} records/s`,
  ].join(' · ');
}

export function progressBar(snapshot: ProgressSnapshot): string {
  const filled = Math.round((percent(snapshot) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

function percent(snapshot: ProgressSnapshot): number {
  if (snapshot.bytes <= 0) return snapshot.files > 0 ? Math.floor((100 * snapshot.filesRead) / snapshot.files) : 100;
  return Math.min(100, Math.floor((100 * snapshot.bytesRead) / snapshot.bytes));
}

function eta(snapshot: ProgressSnapshot): string {
  if (snapshot.bytesRead <= 0 || snapshot.bytes <= 0) return '--';
  const remainingMs = (snapshot.elapsedMs * Math.max(0, snapshot.bytes - snapshot.bytesRead)) / snapshot.bytesRead;
  const total = Math.round(remainingMs / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return minutes > 0 ? `${minutes}m ${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}
