/**
 * Azurite (the real Azure Storage emulator, from npm) started by the test that needs it, on free loopback ports,
 * in memory. Resolves once Azurite says its services listen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [AZURITE, '--inMemoryPersistence', '--skipApiVersionCheck', '--disableProductStyleUrl', '--loose', '--disableTelemetry',
      '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
      '--queueHost', '127.0.0.1', '--queuePort', String(queuePort),
      '--tableHost', '127.0.0.1', '--tablePort', String(tablePort)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await listening(child, 3);
  const blobEndpoint = `http://127.0.0.1:${blobPort}/${ACCOUNT}`;
  const tableEndpoint = `http://127.0.0.1:${tablePort}/${ACCOUNT}`;
  return {
    blobEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=http://127.0.0.1:${queuePort}/${ACCOUNT};TableEndpoint=${tableEndpoint};`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

function listening(child: ChildProcess, services: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      seen = output.split('successfully listening at').length - 1;
      if (seen >= services) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The development account's connection string for a table service at `serverUrl` (a scripted stand-in). */
export function developmentTableConnectionString(serverUrl: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};TableEndpoint=${serverUrl}/${ACCOUNT};`;
}
