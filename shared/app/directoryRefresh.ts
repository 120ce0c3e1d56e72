/**
 * The directory refresh timer's handler: pages through the Defender machines API into the shared directory and
 * logs one line. A failure throws, so the host records the run as failed; the next schedule tries again, and
 * enrichment meanwhile goes on with what the directory and the stream already know.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import type { TokenCredential } from '@azure/identity';
import type { DeviceDirectoryConfig } from '../config/deviceDirectory.js';
import { refreshDirectory } from '../defender/refreshDirectory.js';
import type { DeviceDirectory } from '../enrich/deviceDirectory.js';
import { loggerFor } from '../log/logger.js';

export function createDirectoryRefreshHandler(
  directory: DeviceDirectory,
  refresh: NonNullable<DeviceDirectoryConfig['refresh']>,
  credential: TokenCredential,
) {
  return async function handleRefresh(_timer: Timer, context: InvocationContext): Promise<void> {
    const started = Date.now();
    const summary = await refreshDirectory(directory, { apiUrl: refresh.apiUrl, scope: refresh.scope, credential });
    loggerFor(context).info('device directory refresh', { ...summary, durationMs: Date.now() - started });
  };
}
