/** Source files on disk: each path is a file (read whatever its name) or a folder (every known shape below it). */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { readName } from './fileNames.js';
import type { SourceFile } from './sourceFile.js';

/**
 * A MiB a read. With Node's 64 KiB, a replay of a large file spent a tenth of its time waiting on thousands of
 * small reads between the chunks it forwards.
 */
const READ_BYTES = 1024 * 1024;

export async function listLocalFiles(paths: readonly string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (!info.isDirectory()) {
      files.push(await localFile(path));
      continue;
    }
    const entries = (await readdir(path, { recursive: true }))
      .filter((entry) => readName(slashes(entry)) !== undefined)
      .sort();
    for (const entry of entries) {
      const full = join(path, entry);
      if ((await stat(full)).isFile()) files.push(await localFile(full));
    }
  }
  return files;
}

async function localFile(path: string): Promise<SourceFile> {
  const info = await stat(path);
  const name = slashes(resolve(path));
  return {
    key: name,
    name,
    bytes: info.size,
    window: readName(name)?.window ?? { start: info.mtimeMs, end: info.mtimeMs + 1 },
    source: { file: path },
    open: async () => createReadStream(path, { highWaterMark: READ_BYTES }),
  };
}

function slashes(path: string): string {
  return path.split(sep).join('/');
}
