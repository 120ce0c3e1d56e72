import { BoundedCache } from './boundedCache.js';
import { isNewer, type DeviceDirectory, type DeviceEntry } from './deviceDirectory.js';

/**
 * A directory that lives in this process only: what one instance learned, bounded to `capacity` devices. The
 * command line and the demo use it when no table is configured; the functions app shares a table instead.
 */
export class MemoryDeviceDirectory implements DeviceDirectory {
  readonly #entries: BoundedCache<string, DeviceEntry>;

  constructor(capacity = 100_000) {
    this.#entries = new BoundedCache(capacity);
  }

  async lookup(deviceIds: ReadonlySet<string>): Promise<ReadonlyMap<string, DeviceEntry>> {
    const found = new Map<string, DeviceEntry>();
    for (const id of deviceIds) {
      const entry = this.#entries.get(id);
      if (entry) found.set(id, entry);
    }
    return found;
  }

  async learn(entries: readonly DeviceEntry[]): Promise<void> {
    for (const entry of entries) {
      if (isNewer(entry, this.#entries.get(entry.deviceId))) this.#entries.set(entry.deviceId, entry);
    }
  }
}
