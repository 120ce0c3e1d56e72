/**
 * The device directory's rows in Azure Table Storage: one entity per DeviceId, read in batched point queries and
 * written in per-partition transactions with optimistic concurrency (create fails if the row exists, replace
 * fails if its ETag changed), so a caller can re-read and decide again instead of overwriting a newer group.
 */
import { createHash } from 'node:crypto';
import type { TableClient, TableEntity, TableServiceClientOptions, TransactionAction } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { StorageConnection } from '../azure/storageConnection.js';
import type { DeviceEntry } from './deviceDirectory.js';
import { settleConcurrently } from './settleConcurrently.js';

/** A device as the table holds it, with the ETag a conditional replace must match. */
export interface StoredDevice {
  readonly entry: DeviceEntry;
  readonly etag: string;
}

export type DeviceWrite =
  | { readonly kind: 'create'; readonly entry: DeviceEntry }
  | { readonly kind: 'replace'; readonly entry: DeviceEntry; readonly etag: string };

export interface WriteOutcome {
  /** Rows written, with their new ETag when the service returned one. */
  readonly written: readonly { readonly entry: DeviceEntry; readonly etag?: string }[];
  /** Writes another writer beat: the row appeared, changed or vanished since it was read. Re-read and retry. */
  readonly conflicts: readonly DeviceEntry[];
}

// A type rather than an interface: the SDK's entity type wants an index signature.
type DeviceRow = {
  DeviceId: string;
  MachineGroup: string;
  DeviceName?: string;
  /** properties.Timestamp of the record (or the refresh time) that taught the group; "Timestamp" is reserved. */
  SeenAt?: string;
};

// Sixteen partitions, chosen by the first hex digit of SHA-256(DeviceId). A transaction may only touch one
// partition, so few partitions mean few transactions (and few point queries: a filter may compare at most 15
// times) per invocation; hashing spreads devices evenly whatever their ids look like, and sixteen partitions
// still spread load across Table Storage's partition servers far beyond what device learning writes.
const PARTITION_HEX_DIGITS = 1;
// One comparison is spent on PartitionKey; the Table service allows 15 per filter.
const ROW_KEYS_PER_QUERY = 14;
const ACTIONS_PER_TRANSACTION = 100;
// Past this many devices, reading each partition whole (1,000 rows a page) beats point queries (14 devices each):
// 2,000 devices are ~150 point queries, the cost of scanning a directory of ~150,000 devices. A refresh reads a
// whole page of machines (up to 10,000) at once, so it scans.
const SCAN_ABOVE_DEVICES = 2_000;
const REQUESTS_IN_FLIGHT = 16;
/** Longest DeviceId stored; real ones are 40 hex digits, and a key may hold at most 1 KiB. */
export const MAX_DEVICE_ID_LENGTH = 256;
const CONFLICT_STATUSES = new Set([404, 409, 412]);

type TablesSdk = typeof import('@azure/data-tables');

/** The client, made once the SDK is loaded, with the SDK's helpers (the odata escaping, RestError). */
interface Connected {
  readonly client: TableClient;
  readonly sdk: TablesSdk;
}

export class DeviceTable {
  readonly #connect: (sdk: TablesSdk) => TableClient;
  #connected: Promise<Connected> | undefined;

  /** The SDK is loaded on first use, as every Azure SDK is (see credentialOnFirstUse). */
  private constructor(connect: (sdk: TablesSdk) => TableClient) {
    this.#connect = connect;
  }

  /** Connects with the app identity, or with a connection string (Azurite, local development). */
  static connect(
    connection: StorageConnection,
    tableName: string,
    credential: () => TokenCredential,
    options: TableServiceClientOptions = {},
  ): DeviceTable {
    return new DeviceTable(({ TableClient }) =>
      connection.kind === 'identity'
        ? new TableClient(connection.serviceUri, tableName, credential(), options)
        : TableClient.fromConnectionString(connection.value.reveal(), tableName, {
            allowInsecureConnection: true,
            ...options,
          }),
    );
  }

  /**
   * The stored rows among `deviceIds` (absent ones are left out), all queries sent together: point queries for a
   * few devices, whole partitions for many.
   */
  async read(deviceIds: Iterable<string>, abortSignal?: AbortSignal): Promise<Map<string, StoredDevice>> {
    const { client, sdk } = await this.#ensureTable(abortSignal);
    const { odata } = sdk;
    const wanted = new Set(deviceIds);
    const queries: string[] = [];
    for (const [partitionKey, ids] of groupByPartition(wanted, (id) => id)) {
      if (wanted.size > SCAN_ABOVE_DEVICES) queries.push(odata`PartitionKey eq ${partitionKey}`);
      else
        for (const chunk of chunks(ids, ROW_KEYS_PER_QUERY))
          queries.push(pointFilter(odata, partitionKey, chunk.map(rowKeyFor)));
    }
    const found = new Map<string, StoredDevice>();
    const results = await settleConcurrently(queries, REQUESTS_IN_FLIGHT, async (filter) => {
      for await (const row of client.listEntities<DeviceRow>({ queryOptions: { filter }, abortSignal })) {
        if (typeof row.MachineGroup !== 'string' || typeof row.DeviceId !== 'string' || !wanted.has(row.DeviceId))
          continue;
        found.set(row.DeviceId, { entry: toEntry(row), etag: row.etag });
      }
    });
    throwFirstFailure(results);
    return found;
  }

  /** Writes in one transaction per partition and 100 rows; a transaction another writer beat comes back whole as conflicts. */
  async write(writes: readonly DeviceWrite[], abortSignal?: AbortSignal): Promise<WriteOutcome> {
    const { client, sdk } = await this.#ensureTable(abortSignal);
    const transactions: DeviceWrite[][] = [];
    for (const [, group] of groupByPartition(writes, (write) => write.entry.deviceId)) {
      transactions.push(...chunks(group, ACTIONS_PER_TRANSACTION));
    }
    const written: { entry: DeviceEntry; etag?: string }[] = [];
    const conflicts: DeviceEntry[] = [];
    const results = await settleConcurrently(transactions, REQUESTS_IN_FLIGHT, async (transaction) => {
      try {
        const response = await client.submitTransaction(transaction.map(toAction), { abortSignal });
        // Sub-responses come in the order of the actions; the SDK leaves the header line's \r on the ETag.
        for (const [i, write] of transaction.entries())
          written.push({ entry: write.entry, etag: response.subResponses[i]?.etag?.trim() });
      } catch (error) {
        if (!(error instanceof sdk.RestError && CONFLICT_STATUSES.has(error.statusCode ?? 0))) throw error;
        for (const write of transaction) conflicts.push(write.entry);
      }
    });
    throwFirstFailure(results);
    return { written, conflicts };
  }

  /** Removes one device's row: `defender-forwarder check` takes away the row it wrote to prove it may. */
  async remove(deviceId: string, abortSignal?: AbortSignal): Promise<void> {
    const { client } = await this.#ensureTable(abortSignal);
    await client.deleteEntity(partitionKeyFor(deviceId), rowKeyFor(deviceId), { abortSignal });
  }

  /** The client once its table exists (made on first use; made again after a failure, on the next call). */
  #ensureTable(abortSignal?: AbortSignal): Promise<Connected> {
    this.#connected ??= import('@azure/data-tables')
      .then(async (sdk) => {
        const client = this.#connect(sdk);
        await client.createTable({ abortSignal });
        return { client, sdk };
      })
      .catch((error: unknown) => {
        this.#connected = undefined;
        throw error;
      });
    return this.#connected;
  }
}

export function partitionKeyFor(deviceId: string): string {
  return createHash('sha256').update(deviceId).digest('hex').slice(0, PARTITION_HEX_DIGITS);
}

/** Keys may not hold / \ # ? or control characters; percent-encoding those (and % itself) keeps keys unique. */
export function rowKeyFor(deviceId: string): string {
  return deviceId.replace(
    /[%/\\#?\u0000-\u001f\u007f-\u009f]/g,
    (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function pointFilter(odata: TablesSdk['odata'], partitionKey: string, rowKeys: readonly string[]): string {
  const rows = rowKeys.map((rowKey) => odata`RowKey eq ${rowKey}`).join(' or ');
  return `${odata`PartitionKey eq ${partitionKey}`} and (${rows})`;
}

function toAction(write: DeviceWrite): TransactionAction {
  const entity = toEntity(write.entry);
  return write.kind === 'create' ? ['create', entity] : ['update', entity, 'Replace', { etag: write.etag }];
}

function toEntity(entry: DeviceEntry): TableEntity<DeviceRow> {
  return {
    partitionKey: partitionKeyFor(entry.deviceId),
    rowKey: rowKeyFor(entry.deviceId),
    DeviceId: entry.deviceId,
    MachineGroup: entry.machineGroup,
    ...(entry.deviceName === undefined ? {} : { DeviceName: entry.deviceName }),
    ...(entry.timestamp === undefined ? {} : { SeenAt: entry.timestamp }),
  };
}

function toEntry(row: DeviceRow): DeviceEntry {
  return {
    deviceId: row.DeviceId,
    machineGroup: row.MachineGroup,
    ...(typeof row.DeviceName === 'string' ? { deviceName: row.DeviceName } : {}),
    ...(typeof row.SeenAt === 'string' ? { timestamp: row.SeenAt } : {}),
  };
}

function groupByPartition<T>(items: Iterable<T>, idOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = partitionKeyFor(idOf(item));
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}
