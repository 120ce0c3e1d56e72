/**
 * Azurite (the real Azure Storage emulator, from npm) started by the test that needs it, on loopback ports it picks,
 * in memory. Resolves once Azurite says its services listen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ACCOUNT = 'devstoreaccount1';
// Azurite's well-known development key: public, documented, useless outside the emulator.
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const AZURITE = fileURLToPath(new URL('../../../node_modules/azurite/dist/src/azurite.js', import.meta.url));

export interface Azurite {
  readonly connectionString: string;
  readonly blobEndpoint: string;
  readonly tableEndpoint: string;
  stop(): Promise<void>;
}

export async function startAzurite(): Promise<Azurite> {
  // Port 0 for every service: Azurite binds free ports itself and prints them, so no port is picked here and then
  // lost to another server starting at the same moment.
  const child = spawn(
    process.execPath,
    [
      AZURITE,
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      '--loose',
      '--disableTelemetry',
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--queueHost',
      '127.0.0.1',
      '--queuePort',
      '0',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const urls = await listening(child);
  const blobEndpoint = `${urls.Blob}/${ACCOUNT}`;
  const tableEndpoint = `${urls.Table}/${ACCOUNT}`;
  return {
    blobEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${urls.Queue}/${ACCOUNT};TableEndpoint=${tableEndpoint};`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

type Service = 'Blob' | 'Queue' | 'Table';

/** Each service's URL, read from the line Azurite prints once it listens: "Azurite Blob service is successfully listening at http://...". */
function listening(child: ChildProcess): Promise<Record<Service, string>> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const urls = Object.fromEntries(
        [...output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g)].map(
          (match) => [match[1], match[2]],
        ),
      );
      if (urls.Blob && urls.Queue && urls.Table) resolve(urls as Record<Service, string>);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
  });
}

/** The development account's connection string for a blob or table service at `serverUrl` (a scripted stand-in). */
export function developmentConnectionString(service: 'blob' | 'table', serverUrl: string): string {
  const endpoint = service === 'blob' ? 'BlobEndpoint' : 'TableEndpoint';
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};${endpoint}=${serverUrl}/${ACCOUNT};`;
}
