import { readFileSync } from 'node:fs';
import type { Environment } from '../config/config.js';

/**
 * The command line's settings: the process environment, falling back to the Values of local.settings.json (the
 * file `func start` reads), so one file configures both.
 */
export function commandLineEnvironment(env: Environment, settingsFile = 'local.settings.json'): Environment {
  let values: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(settingsFile, 'utf8')) as { Values?: Record<string, unknown> };
    values = parsed.Values ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`could not read ${settingsFile}: ${(error as Error).message}`);
    }
  }
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') merged[name] = value;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}
