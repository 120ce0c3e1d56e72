import { isNewer, type DeviceDirectory, type DeviceEntry } from './deviceDirectory.js';

/** A directory that lives in this process only: what one instance learned, bounded to `capacity` devices. */
export class MemoryDeviceDirectory implements DeviceDirectory {
  readonly #entries = new Map<string, DeviceEntry>();
  readonly #capacity: number;

  constructor(capacity = 100_000) {
    this.#capacity = capacity;
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
      if (!isNewer(entry, this.#entries.get(entry.deviceId))) continue;
      // Re-inserting moves the device to the back, so the oldest-touched device is evicted first.
      this.#entries.delete(entry.deviceId);
      this.#entries.set(entry.deviceId, ownCopy(entry));
      if (this.#entries.size > this.#capacity) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
  }
}

/**
 * The entry with strings of its own. Fields read from a message are slices of it, and a slice keeps the whole
 * message (up to 1 MB) alive: a directory of thousands of devices would otherwise hold on to thousands of them.
 */
function ownCopy(entry: DeviceEntry): DeviceEntry {
  const copy = (text: string) => Buffer.from(text).toString();
  return {
    deviceId: copy(entry.deviceId),
    machineGroup: copy(entry.machineGroup),
    ...(entry.deviceName === undefined ? {} : { deviceName: copy(entry.deviceName) }),
    ...(entry.timestamp === undefined ? {} : { timestamp: copy(entry.timestamp) }),
  };
}
