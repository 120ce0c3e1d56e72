/** What the pipeline knows about a device: the group Defender assigned it, and when that was true. */
export interface DeviceEntry {
  readonly deviceId: string;
  readonly machineGroup: string;
  readonly deviceName?: string;
  /** properties.Timestamp of the record that taught it; the newest wins. */
  readonly timestamp?: string;
}

/**
 * A lookup that could not ask its store. `found` holds what it could still answer from memory; the other devices
 * are not known to be absent, only unanswered.
 */
export class DirectoryLookupError extends Error {
  readonly found: ReadonlyMap<string, DeviceEntry>;

  constructor(message: string, found: ReadonlyMap<string, DeviceEntry>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DirectoryLookupError';
    this.found = found;
  }
}

/** Where device groups learned from the stream are kept between invocations. */
export interface DeviceDirectory {
  /**
   * The known entries among `deviceIds`, in one round trip however many ids are asked for. May reject with a
   * DirectoryLookupError that still carries part of the answer.
   */
  lookup(deviceIds: ReadonlySet<string>): Promise<ReadonlyMap<string, DeviceEntry>>;
  /** Remembers entries; older than what is already known loses. */
  learn(entries: readonly DeviceEntry[]): Promise<void>;
}

/** Orders Defender timestamps, which carry 0 to 7 fractional digits, so "…:55.5Z" is before "…:55.51Z". */
export function compareTimestamps(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const left = normalizeTimestamp(a);
  const right = normalizeTimestamp(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function normalizeTimestamp(value: string): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z?$/.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/** newer wins; on a tie the incoming entry wins, so a refreshed group replaces a stale one. */
export function isNewer(incoming: DeviceEntry, known: DeviceEntry | undefined): boolean {
  return known === undefined || compareTimestamps(incoming.timestamp, known.timestamp) >= 0;
}
