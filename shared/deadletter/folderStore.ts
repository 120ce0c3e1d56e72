/** Dead letters as files under a local folder: the command line's store. */
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { deadLetterName, encodeDeadLetter, type DeadLetter } from './entry.js';
import type { DeadLetterStore, HeldLetter } from './store.js';

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
    let lock;
    try {
      lock = await open(`${path}.lock`, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      let content: string;
      try {
        content = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      await work({
        name,
        content,
        replace: (next) => this.#writeFile(path, next),
        delete: () => rm(path, { force: true }),
      });
      return true;
    } finally {
      await lock.close();
      await rm(`${path}.lock`, { force: true });
    }
  }

  /** Write then rename, so a crash never leaves half a letter under the real name. */
  async #writeFile(path: string, content: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, path);
  }

  #path(name: string): string {
    const path = join(this.directory, ...name.split('/'));
    if (relative(this.directory, path).startsWith('..')) throw new Error(`dead letter name escapes the folder: ${name}`);
    return path;
  }
}
