/**
 * The stores the forwarder writes to, proven writable by writing and taking away a probe through the same code
 * that uses them: a dead letter holding no records (a redrive that meets it just deletes it), and a device row
 * under a made-up DeviceId no record carries.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { StorageConnection } from '../../shared/azure/storageConnection.js';
import type { Config } from '../../shared/config/config.js';
import { BlobDeadLetterStore } from '../../shared/deadletter/blobStore.js';
import { deadLetterName, type DeadLetter } from '../../shared/deadletter/entry.js';
import { FolderDeadLetterStore } from '../../shared/deadletter/folderStore.js';
import type { DeadLetterStore } from '../../shared/deadletter/store.js';
import { DeviceTable } from '../../shared/enrich/deviceTable.js';
import { failed, ok, type Finding } from './probes/probe.js';
import { explainAzureError } from './azureProblem.js';
import { result, type CheckResult } from './result.js';
import { within } from './timeLimit.js';

export interface StorageParts {
  readonly credential: () => TokenCredential;
  readonly tableClientOptions?: TableServiceClientOptions;
}

/** The Blob container when storage is configured; the command line's folder when these are not the app's settings. */
export async function checkDeadLetterStores(
  config: Config,
  functionsApp: boolean,
  parts: StorageParts,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const checks: Promise<CheckResult>[] = [];
  const blob = config.deadLetter.blob;
  if (blob) {
    const store = new BlobDeadLetterStore(blob.connection, blob.container, parts.credential);
    checks.push(
      checkStore(
        `dead-letter container "${blob.container}" at ${where(blob.connection)}`,
        () => probeStore(store, timeoutMs),
        (error) => {
          const explained = explainAzureError(error, {
            resource: 'the dead-letter storage account',
            setting: 'DEAD_LETTER_STORAGE__blobServiceUri (or the host storage, AzureWebJobsStorage)',
            grant: 'give the identity the Storage Blob Data Contributor role on the storage account',
            connectionString: blob.connection.kind === 'connection-string',
          });
          return failed(explained.detail, explained.fix);
        },
      ),
    );
  }
  if (!functionsApp) {
    const directory = config.deadLetter.directory;
    checks.push(
      checkStore(
        `dead-letter folder ${directory}`,
        () => probeFolder(directory, timeoutMs),
        (error) => failed((error as Error).message, 'make DEAD_LETTER_DIR a folder this user may write to'),
      ),
    );
  }
  return Promise.all(checks);
}

async function checkStore(
  subject: string,
  probe: () => Promise<string>,
  explain: (error: unknown) => Finding,
): Promise<CheckResult> {
  try {
    return result('dead-letter-store', subject, ok(await probe()));
  } catch (error) {
    return result('dead-letter-store', subject, explain(error));
  }
}

export async function checkDeviceTable(config: Config, parts: StorageParts, timeoutMs: number): Promise<CheckResult[]> {
  const table = config.deviceDirectory.table;
  if (!table) return [];
  const subject = `device directory table "${table.name}" at ${where(table.connection)}`;
  const deviceId = `defender-forwarder-check-${randomUUID()}`;
  try {
    await within(timeoutMs, async (signal) => {
      const devices = DeviceTable.connect(table.connection, table.name, parts.credential, parts.tableClientOptions);
      await devices.read([deviceId], signal);
      await devices.write([{ kind: 'create', entry: { deviceId, machineGroup: 'defender-forwarder check' } }], signal);
      await devices.remove(deviceId, signal);
    });
    return [result('device-directory', subject, ok('read, wrote and removed a probe row'))];
  } catch (error) {
    const explained = explainAzureError(error, {
      resource: 'the device directory storage account',
      setting: 'DEVICE_DIRECTORY__tableServiceUri (or the host storage, AzureWebJobsStorage)',
      grant: 'give the identity the Storage Table Data Contributor role on the storage account',
      connectionString: table.connection.kind === 'connection-string',
    });
    return [result('device-directory', subject, failed(explained.detail, explained.fix))];
  }
}

function probeLetter(): DeadLetter {
  return {
    meta: {
      reason: 'check-probe',
      detail:
        'written by defender-forwarder check to prove the store writable, and deleted at once; it holds no records',
      attempts: 0,
      failedAt: new Date().toISOString(),
      source: { files: [`defender-forwarder-check-${randomUUID()}`] },
    },
    records: [],
  };
}

async function probeStore(store: DeadLetterStore, timeoutMs: number, letter = probeLetter()): Promise<string> {
  return within(timeoutMs, async () => {
    const name = await store.write(letter);
    const deleted = await store.claim(name, (held) => held.delete());
    // A redrive that claimed it first deletes it too: it holds no records.
    return `wrote and deleted a probe letter (${name})${deleted ? '' : ', or a redrive running at that moment did'}`;
  });
}

/** The folder store, leaving behind no folder the probe made. */
async function probeFolder(directory: string, timeoutMs: number): Promise<string> {
  const letter = probeLetter();
  const folder = dirname(join(directory, ...deadLetterName(letter).split('/')));
  const created = await mkdir(folder, { recursive: true });
  try {
    return await probeStore(new FolderDeadLetterStore(directory), timeoutMs, letter);
  } finally {
    if (created) await removeEmptyUpTo(folder, created);
  }
}

async function removeEmptyUpTo(folder: string, top: string): Promise<void> {
  for (let current = folder; !relative(top, current).startsWith('..'); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // Not empty: something else wrote there meanwhile.
    }
    if (current === top) return;
  }
}

function where(connection: StorageConnection): string {
  return connection.kind === 'identity' ? connection.serviceUri : 'the connection string';
}
