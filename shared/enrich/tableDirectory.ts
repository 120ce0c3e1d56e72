/**
 * The device directory every instance shares: Azure Table Storage behind an in-process cache.
 *
 * - lookup: cached answers first (a group, or "not in the table"); the rest in one wave of batched point queries.
 * - learn: newest Timestamp wins across instances. A device the cache already knows with the same group (or a
 *   newer one) costs nothing; the others are written in per-partition transactions, conditional on what was read
 *   (create if absent, replace if the ETag still matches). When another instance wrote in between, the rows are
 *   read again and the comparison made again, so an older group never overwrites a newer one.
 *
 * A cached answer can be up to the cache TTL old, so a group another instance writes is seen here within that time.
 * When the table fails, lookups still answer from the cache (rejecting with the partial answer), and the table is
 * left alone for a short while, so during an outage one invocation in a while pays for finding out, not all.
 */
import { withTimeout } from '../timeout/withTimeout.js';
import { BoundedCache } from './boundedCache.js';
import { DirectoryLookupError, isNewer, type DeviceDirectory, type DeviceEntry } from './deviceDirectory.js';
import { MAX_DEVICE_ID_LENGTH, type DeviceTable, type DeviceWrite, type StoredDevice } from './deviceTable.js';

export interface DirectoryCacheOptions {
  /** Most devices held in memory. */
  readonly capacity: number;
  /** How long a device's group is reused before the table is asked again. */
  readonly ttlMs: number;
}

export interface DirectoryOptions {
  /** Longest one lookup or learn may take, retries included, before it fails. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/** What the table held when last read or written: a device (with its ETag), or nothing. */
interface CachedState {
  readonly stored?: StoredDevice;
}

// "Not in the table" is kept briefly: another instance may learn the device any moment, and asking again once a
// minute per unknown device costs little.
const MISS_TTL_MS = 60_000;
// Each retry follows a lost race with another instance; more than a few in a row means something else is wrong.
const MAX_WRITE_ATTEMPTS = 5;
// Enrichment must not hold delivery hostage: a table that hangs fails the call (and the records go on unfilled)
// long before the function's timeout.
const DEFAULT_TIMEOUT_MS = 15_000;
const PAUSE_AFTER_FAILURE_MS = 30_000;

export class DirectoryWriteConflictError extends Error {
  constructor(devices: number) {
    super(
      `${devices} device(s) could not be written: other instances kept changing them (${MAX_WRITE_ATTEMPTS} attempts)`,
    );
    this.name = 'DirectoryWriteConflictError';
  }
}

export class TableDeviceDirectory implements DeviceDirectory {
  readonly #table: DeviceTable;
  readonly #cache: BoundedCache<string, CachedState>;
  readonly #ttlMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #pausedUntil = 0;

  constructor(table: DeviceTable, cache: DirectoryCacheOptions, options: DirectoryOptions = {}) {
    this.#table = table;
    this.#cache = new BoundedCache(cache.capacity, options.now);
    this.#ttlMs = cache.ttlMs;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
  }

  async lookup(deviceIds: ReadonlySet<string>): Promise<ReadonlyMap<string, DeviceEntry>> {
    const found = new Map<string, DeviceEntry>();
    const unread: string[] = [];
    for (const id of deviceIds) {
      const cached = this.#cache.get(id);
      if (cached?.stored) found.set(id, cached.stored.entry);
      else if (!cached && storable(id)) unread.push(id);
    }
    if (unread.length > 0) {
      let stored: Map<string, StoredDevice>;
      try {
        stored = await this.#askTable((signal) => this.#read(unread, signal));
      } catch (error) {
        throw new DirectoryLookupError((error as Error).message, found, { cause: error });
      }
      for (const [id, { entry }] of stored) found.set(id, entry);
    }
    return found;
  }

  learn(entries: readonly DeviceEntry[]): Promise<void> {
    return this.#askTable((signal) => this.#learn(entries, signal));
  }

  async #learn(entries: readonly DeviceEntry[], signal: AbortSignal): Promise<void> {
    let pending = newestPerDevice(entries);
    let trustCache = true;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_WRITE_ATTEMPTS) throw new DirectoryWriteConflictError(pending.length);
      const known = await this.#knownStates(pending, trustCache, signal);
      const writes = pending.flatMap((entry) => planWrite(entry, known.get(entry.deviceId)) ?? []);
      if (writes.length === 0) return;
      const outcome = await this.#table.write(writes, signal);
      for (const { entry, etag } of outcome.written) {
        // Without an ETag the next change must read the row first, so the cache forgets it rather than guess.
        if (etag) this.#remember(entry.deviceId, { entry, etag });
        else this.#cache.delete(entry.deviceId);
      }
      pending = [...outcome.conflicts];
      trustCache = false;
    }
  }

  /** What the table holds for each entry's device: from the cache when allowed, else read in one wave. */
  async #knownStates(
    entries: readonly DeviceEntry[],
    trustCache: boolean,
    signal: AbortSignal,
  ): Promise<Map<string, StoredDevice | undefined>> {
    const known = new Map<string, StoredDevice | undefined>();
    const unread: string[] = [];
    for (const { deviceId } of entries) {
      const cached = trustCache ? this.#cache.get(deviceId) : undefined;
      if (cached) known.set(deviceId, cached.stored);
      else unread.push(deviceId);
    }
    if (unread.length > 0) {
      const stored = await this.#read(unread, signal);
      for (const id of unread) known.set(id, stored.get(id));
    }
    return known;
  }

  async #read(deviceIds: readonly string[], signal: AbortSignal): Promise<Map<string, StoredDevice>> {
    const stored = await this.#table.read(deviceIds, signal);
    for (const id of deviceIds) this.#remember(id, stored.get(id));
    return stored;
  }

  /** Runs `work` against the table within the time limit, unless the table failed moments ago. */
  async #askTable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const waitMs = this.#pausedUntil - this.#now();
    if (waitMs > 0)
      throw new Error(
        `the device directory table failed moments ago; not asked again for ${Math.ceil(waitMs / 1000)} s`,
      );
    try {
      // Whether or not the SDK (or the identity behind it) heeds the signal.
      return await withTimeout(this.#timeoutMs, 'the device directory table', work);
    } catch (error) {
      // Losing races to other instances says nothing about the table's health.
      if (!(error instanceof DirectoryWriteConflictError)) this.#pausedUntil = this.#now() + PAUSE_AFTER_FAILURE_MS;
      throw error;
    }
  }

  #remember(deviceId: string, stored: StoredDevice | undefined): void {
    this.#cache.set(deviceId, stored ? { stored } : {}, stored ? this.#ttlMs : Math.min(MISS_TTL_MS, this.#ttlMs));
  }
}

/** The write that teaches the table `entry`, or undefined when the table already knows as much or more. */
function planWrite(entry: DeviceEntry, stored: StoredDevice | undefined): DeviceWrite | undefined {
  if (!stored) return { kind: 'create', entry };
  if (stored.entry.machineGroup === entry.machineGroup || !isNewer(entry, stored.entry)) return undefined;
  return { kind: 'replace', entry, etag: stored.etag };
}

function newestPerDevice(entries: readonly DeviceEntry[]): DeviceEntry[] {
  const newest = new Map<string, DeviceEntry>();
  for (const entry of entries) {
    if (storable(entry.deviceId) && isNewer(entry, newest.get(entry.deviceId))) newest.set(entry.deviceId, entry);
  }
  return [...newest.values()];
}

function storable(deviceId: string): boolean {
  return deviceId.length > 0 && deviceId.length <= MAX_DEVICE_ID_LENGTH;
}
