/**
 * Reads the few fields the pipeline needs from one record's JSON text, and where MachineGroup sits in it,
 * without building the record as an object. Keys are told apart by length first, so most of the fifty-odd
 * columns a record does not need cost one array lookup each.
 */
import type { DeviceFields, MachineGroupSlot } from '../pipeline/types.js';
import type { JsonScanner } from './jsonScanner.js';

export interface RecordFields {
  category?: unknown;
  tenantId?: string;
  time?: string;
  device?: DeviceFields;
}

/**
 * The few values that repeat across an invocation's records (categories, tenants, groups), kept once: a record
 * whose text holds one gets the same string, found by comparing in the text, so no string is made for it. Every
 * record's fields live until its batch is sent, and the garbage collector's cost grows with what lives; the maps
 * downstream also hash each category once instead of once a record.
 */
export class RepeatedValues {
  /** Enough for every category and group of a tenant; past it, values are read as they come. */
  static readonly LIMIT = 256;
  readonly #values: string[] = [];

  /** Consumes the string at the cursor and returns its value. */
  read(scanner: JsonScanner): string {
    const index = scanner.matchString(this.#values);
    if (index >= 0) return this.#values[index]!;
    const value = scanner.readString();
    if (this.#values.length < RepeatedValues.LIMIT && PLAIN.test(value)) this.#values.push(value);
    return value;
  }
}

/** A value that is written the same in JSON, quotes aside, so comparing it with the text is comparing values. */
const PLAIN = /^[^"\\\u0000-\u001f]*$/;

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;

/** The keys read, indexed by length: most keys are told apart from them by their length alone. */
const RECORD_KEYS = byLength(['time', 'category', 'tenantId', 'properties']);
const PROPERTY_KEYS = byLength(['DeviceId', 'DeviceName', 'Timestamp', 'MachineGroup']);

function byLength(keys: readonly string[]): (readonly string[] | undefined)[] {
  const table: string[][] = [];
  for (const key of keys) (table[key.length] ??= []).push(key);
  return table;
}

/** Which of `keys` the key just read is, if any. */
function knownKey(scanner: JsonScanner, keyStart: number, keys: readonly (readonly string[] | undefined)[]): string | undefined {
  const candidates = keys[scanner.keyLength];
  return candidates?.find((key) => scanner.keyIs(keyStart, key));
}

/** Scans the object at the scanner's cursor; `offset` is where the record's text starts in the scanner's text. */
export function scanRecord(scanner: JsonScanner, offset: number, repeated = new RepeatedValues()): RecordFields {
  const fields: RecordFields = {};
  if (!scanner.enterObject()) return fields;
  do {
    const key = knownKey(scanner, scanner.nextKey(), RECORD_KEYS);
    if (key === 'properties') {
      const device = scanner.peek() === OPEN_BRACE ? scanProperties(scanner, offset, repeated) : (scanner.skipValue(), undefined);
      if (device) fields.device = device;
    } else if (key === 'category') {
      fields.category = readStringOrSkip(scanner, repeated) ?? null;
    } else if (key === 'tenantId' || key === 'time') {
      const value = readStringOrSkip(scanner, key === 'tenantId' ? repeated : undefined);
      if (value !== undefined) fields[key] = value;
    } else {
      scanner.skipValue();
    }
  } while (scanner.nextMember());
  return fields;
}

function scanProperties(scanner: JsonScanner, offset: number, repeated: RepeatedValues): DeviceFields | undefined {
  let deviceId: string | undefined;
  let deviceName: string | undefined;
  let timestamp: string | undefined;
  let machineGroup: MachineGroupSlot | undefined;
  let members = 0;
  if (scanner.enterObject()) {
    do {
      members++;
      const key = knownKey(scanner, scanner.nextKey(), PROPERTY_KEYS);
      if (key === 'MachineGroup') machineGroup = readMachineGroup(scanner, offset, repeated);
      else if (key === 'DeviceId') deviceId = readStringOrSkip(scanner);
      else if (key === 'DeviceName') deviceName = readStringOrSkip(scanner);
      else if (key === 'Timestamp') timestamp = readStringOrSkip(scanner);
      else scanner.skipValue();
    } while (scanner.nextMember());
  }
  if (!deviceId) return undefined;
  // The cursor is just past the closing brace of properties.
  machineGroup ??= { kind: 'absent', insertAt: scanner.pos - 1 - offset, firstMember: members === 0 };
  return { deviceId, deviceName, timestamp, machineGroup };
}

function readMachineGroup(scanner: JsonScanner, offset: number, repeated: RepeatedValues): MachineGroupSlot {
  const start = scanner.pos;
  if (scanner.text.startsWith('null', start)) {
    scanner.skipValue();
    return { kind: 'null', start: start - offset, end: scanner.pos - offset };
  }
  const value = scanner.peek() === QUOTE ? repeated.read(scanner) : JSON.parse(scanner.text.slice(start, scanner.skipValue()));
  return { kind: 'value', value };
}

function readStringOrSkip(scanner: JsonScanner, repeated?: RepeatedValues): string | undefined {
  if (scanner.peek() !== QUOTE) {
    scanner.skipValue();
    return undefined;
  }
  return repeated ? repeated.read(scanner) : scanner.readString();
}
