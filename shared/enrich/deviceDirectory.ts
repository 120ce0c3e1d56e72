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
  // Defender writes every timestamp of a table alike: the same length, in UTC. Then the fractions have as many
  // digits, and the text orders as the times do; it also orders as below when either is not a timestamp at all.
  if (a.length === b.length && a.charCodeAt(a.length - 1) === ZULU && b.charCodeAt(b.length - 1) === ZULU)
    return compareText(a, b);
  const aDigits = fractionDigits(a);
  const bDigits = fractionDigits(b);
  if (aDigits < 0 || bDigits < 0) return compareText(normalizeTimestamp(a), normalizeTimestamp(b));
  // Seconds as written, then the fractions digit by digit with missing digits as zeros: no string is built,
  // which matters because every device record is compared with the newest one seen so far.
  for (let i = 0; i < SECONDS_LENGTH + 1 + 9; i++) {
    const left = i < SECONDS_LENGTH ? a.charCodeAt(i) : i === SECONDS_LENGTH ? DOT : digitAt(a, i, aDigits);
    const right = i < SECONDS_LENGTH ? b.charCodeAt(i) : i === SECONDS_LENGTH ? DOT : digitAt(b, i, bDigits);
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

const SECONDS_LENGTH = 'YYYY-MM-DDTHH:MM:SS'.length;
const DOT = 0x2e;
const ZERO = 0x30;
const ZULU = 0x5a;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z?$/;

/** How many fractional digits a well-formed timestamp has (0 to 9), or -1 when it is not one. */
function fractionDigits(value: string): number {
  if (!TIMESTAMP.test(value)) return -1;
  const end = value.charCodeAt(value.length - 1) === ZULU ? value.length - 1 : value.length;
  return end > SECONDS_LENGTH ? end - SECONDS_LENGTH - 1 : 0;
}

function digitAt(value: string, index: number, digits: number): number {
  const digit = index - SECONDS_LENGTH - 1;
  return digit < digits ? value.charCodeAt(index) : ZERO;
}

function normalizeTimestamp(value: string): string {
  const match = TIMESTAMP.exec(value);
  if (!match) return value;
  return `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** newer wins; on a tie the incoming entry wins, so a refreshed group replaces a stale one. */
export function isNewer(incoming: DeviceEntry, known: DeviceEntry | undefined): boolean {
  return known === undefined || compareTimestamps(incoming.timestamp, known.timestamp) >= 0;
}
