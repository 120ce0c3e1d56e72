import { readFileSync } from 'node:fs';
import { ConfigError, type Environment } from '../shared/config/config.js';

/** The file `func start` reads, and the command line's settings when no other file is named. */
const DEFAULT_SETTINGS_FILE = 'local.settings.json';

/**
 * The command line's settings: the process environment, falling back to the Values of a settings file, so one file
 * configures both. A file named with --settings must be there; local.settings.json, read by default, may be absent.
 */
export function commandLineEnvironment(env: Environment, settingsFile?: string): Environment {
  const file = settingsFile ?? DEFAULT_SETTINGS_FILE;
  let values: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
    values = parsed.Values ?? {};
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || settingsFile !== undefined) throw new ConfigError([`--settings ${file}: ${unreadable(error)}`]);
  }
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') merged[name] = value;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}

/** Why the file cannot be used, without quoting it: JSON.parse's message shows the text, which holds secrets. */
function unreadable(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no such file';
  return error instanceof SyntaxError
    ? 'not valid JSON'
    : `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
}
