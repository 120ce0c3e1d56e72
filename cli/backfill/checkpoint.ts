/**
 * Where a replay got to, so the same command resumes without re-sending what was delivered. A journal, one JSON
 * line per change: {"file":KEY,"settled":N} (the first N messages of that file are delivered or dead-lettered) or
 * {"file":KEY,"done":true}. Appending is cheap after every chunk and survives a crash. A line that cannot be read
 * (torn by a crash) is ignored, which is always safe: positions only move forward, so a lost line means some
 * messages are sent again, never that any are skipped.
 * When a run completes, the journal is removed; running the command again then replays from the start.
 * Its first line says how messages were counted; a journal counted another way is refused, not misread.
 */
import { createHash } from 'node:crypto';
import { appendFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SourceInputs } from '../sources/listSources.js';
import { EXPORT_BODY_BYTES } from '../sources/storageExport.js';
import { readTextIfExists } from '../../shared/files/readTextIfExists.js';

/** What a message count means: storage exports are cut into bodies of this size. */
const COUNTING = { journal: 'defender-forwarder replay', exportBodyBytes: EXPORT_BODY_BYTES };

type Entry = { readonly file: string; readonly settled: number } | { readonly file: string; readonly done: true };

/** How far into one file a chunk got: its messages [0, settled) are settled; done when the file's last one is. */
export interface FilePosition {
  readonly file: string;
  readonly settled: number;
  readonly done: boolean;
}

export class ReplayCheckpoint {
  /** Undefined: keep positions in memory only (a run that does not want to resume). */
  readonly path: string | undefined;
  readonly #settled = new Map<string, number>();
  readonly #done = new Set<string>();
  /** Written before the next entries: the header for a new journal, a line break after a torn line. */
  #separator = `${JSON.stringify(COUNTING)}\n`;

  private constructor(path: string | undefined) {
    this.path = path;
  }

  static inMemory(): ReplayCheckpoint {
    return new ReplayCheckpoint(undefined);
  }

  static async open(path: string): Promise<ReplayCheckpoint> {
    const checkpoint = new ReplayCheckpoint(path);
    const text = await readTextIfExists(path);
    if (text === undefined) return checkpoint;
    if (!text.includes('\n')) {
      // Torn before its first line was whole: nothing was recorded yet.
      await rm(path, { force: true });
      return checkpoint;
    }
    const [header, ...lines] = text.split('\n');
    if (header !== JSON.stringify(COUNTING)) {
      throw new Error(
        `checkpoint ${path} was written by a version that counts messages differently; delete it to replay from the start`,
      );
    }
    for (const line of lines) {
      const entry = parseEntry(line);
      if (entry) checkpoint.#apply(entry);
    }
    // A run stopped in the middle of a line: start the next entry on a line of its own.
    checkpoint.#separator = text.endsWith('\n') ? '' : '\n';
    return checkpoint;
  }

  /** True when an earlier run left positions behind. */
  get resuming(): boolean {
    return this.#settled.size > 0 || this.#done.size > 0;
  }

  get filesDone(): number {
    return this.#done.size;
  }

  isDone(file: string): boolean {
    return this.#done.has(file);
  }

  /** Messages at the start of the file that an earlier chunk settled. */
  settled(file: string): number {
    return this.#settled.get(file) ?? 0;
  }

  async record(positions: Iterable<FilePosition>): Promise<void> {
    const entries: Entry[] = [];
    for (const position of positions) {
      entries.push(
        position.done ? { file: position.file, done: true } : { file: position.file, settled: position.settled },
      );
    }
    for (const entry of entries) this.#apply(entry);
    if (this.path !== undefined && entries.length > 0) {
      await appendFile(this.path, this.#separator + entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      this.#separator = '';
    }
  }

  /** The run completed: nothing is left to resume. */
  async remove(): Promise<void> {
    if (this.path !== undefined) await rm(this.path, { force: true });
  }

  #apply(entry: Entry): void {
    if ('done' in entry) {
      this.#done.add(entry.file);
      this.#settled.delete(entry.file);
    } else {
      this.#settled.set(entry.file, Math.max(entry.settled, this.settled(entry.file)));
    }
  }
}

function parseEntry(line: string): Entry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<{ file: unknown; settled: unknown; done: unknown }>;
    if (typeof entry.file !== 'string') return undefined;
    if (entry.done === true) return { file: entry.file, done: true };
    if (typeof entry.settled === 'number' && Number.isSafeInteger(entry.settled))
      return { file: entry.file, settled: entry.settled };
  } catch {
    // torn or foreign line: see the note at the top
  }
  return undefined;
}

/** One journal per set of inputs, in the working folder: the same command finds its own. */
export function defaultCheckpointPath(inputs: SourceInputs): string {
  const identity = JSON.stringify({
    paths: inputs.paths.map((path) => resolve(path)),
    blobs: inputs.blobs.map((blob) => ({ url: blob.url.split('?')[0], prefix: blob.prefix ?? '' })),
    since: inputs.since?.toISOString(),
    until: inputs.until?.toISOString(),
  });
  return resolve(`replay-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}.checkpoint`);
}
