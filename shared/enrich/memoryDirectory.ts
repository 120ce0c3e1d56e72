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
      this.#entries.set(entry.deviceId, entry);
      if (this.#entries.size > this.#capacity) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
  }
}
