/** Dead letters as files under a local folder: the command line's store. */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { deadLetterName, encodeDeadLetter, type DeadLetter } from './entry.js';
import type { DeadLetterStore, HeldLetter } from './store.js';
import { readTextIfExists } from '../files/readTextIfExists.js';

/** A held letter's lock is touched this often; one untouched for LOCK_STALE_MS was left by a process that died. */
const LOCK_TOUCH_MS = 30_000;
const LOCK_STALE_MS = 5 * 60_000;

export class FolderDeadLetterStore implements DeadLetterStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  async write(letter: DeadLetter): Promise<string> {
    const name = deadLetterName(letter);
    await this.#writeFile(this.#path(name), encodeDeadLetter(letter));
    return name;
  }

  async *list(): AsyncIterable<string> {
    let entries: string[];
    try {
      entries = await readdir(this.directory, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    yield* entries
      .filter((entry) => entry.endsWith('.json'))
      .map((entry) => entry.split(sep).join('/'))
      .sort();
  }

  async claim(name: string, work: (letter: HeldLetter) => Promise<void>): Promise<boolean> {
    const path = this.#path(name);
    const lockPath = `${path}.lock`;
    const lock = await this.#lock(lockPath);
    if (!lock) return false;
    const touch = setInterval(() => {
      const now = new Date();
      void utimes(lockPath, now, now).catch(() => undefined);
    }, LOCK_TOUCH_MS);
    try {
      const content = await readTextIfExists(path);
      if (content === undefined) return false;
      await work({
        name,
        content,
        replace: (next) => this.#writeFile(path, next),
        delete: () => rm(path, { force: true }),
      });
      return true;
    } finally {
      clearInterval(touch);
      await lock.close();
      await rm(lockPath, { force: true });
    }
  }

  /** Creates the lock file; undefined while another process holds it. A stale lock is taken over once. */
  async #lock(lockPath: string): Promise<FileHandle | undefined> {
    for (let tries = 0; tries < 2; tries++) {
      try {
        return await open(lockPath, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = await stat(lockPath).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs < LOCK_STALE_MS) return undefined;
      await rm(lockPath, { force: true });
    }
    return undefined;
  }

  /** Write, flush, then rename, so a crash never leaves half a letter under the real name. */
  async #writeFile(path: string, content: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  }

  #path(name: string): string {
    const path = join(this.directory, ...name.split('/'));
    if (relative(this.directory, path).startsWith('..'))
      throw new Error(`dead letter name escapes the folder: ${name}`);
    return path;
  }
}
