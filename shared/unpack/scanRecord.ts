/**
 * Reads the few fields the pipeline needs from one record's JSON text, and where MachineGroup sits in it,
 * without building the record as an object, with the cursor. Keys are told apart by length first, so most of the
 * fifty-odd columns a record does not need cost one array lookup each. matchRecord does the same faster for
 * the records it can vouch for.
 */
import type { DeviceFields, MachineGroupSlot } from '../types/records.js';
import { skipped, type JsonScanner } from './jsonScanner.js';

export interface RecordFields {
  category?: unknown;
  tenantId?: string;
  time?: string;
  device?: DeviceFields;
}

/**
 * The few values that repeat across an invocation's records (categories, tenants, groups), kept once: every
 * record holding one shares the same string. The maps downstream (routes, batches, counts) then hash a category
 * once, not once a record: hashing a fresh string is a call out of the map's fast path, which made even a map
 * lookup here cost a twentieth of an invocation. So this is a short list compared in order, not a map.
 */
export class RepeatedValues {
  /** Enough for every category and group of a tenant; past it, values are kept as they come. */
  static readonly LIMIT = 64;
  readonly #values: string[] = [];

  /** The string kept for `value`. */
  intern(value: string): string {
    const values = this.#values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === value) return values[i]!;
    }
    if (values.length < RepeatedValues.LIMIT) values.push(value);
    return value;
  }

  /** Consumes the string at the cursor and returns its value. */
  read(scanner: JsonScanner): string {
    return this.intern(scanner.readString());
  }
}

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
function knownKey(
  scanner: JsonScanner,
  keyStart: number,
  keys: readonly (readonly string[] | undefined)[],
): string | undefined {
  if (scanner.keyEscaped) {
    const name = scanner.keyName(keyStart);
    return keys[name.length]?.find((key) => key === name);
  }
  const candidates = keys[scanner.keyLength];
  return candidates?.find((key) => scanner.keyIs(keyStart, key));
}

/**
 * Reads the object at the scanner's cursor, which is where the record's text starts, and moves past it. The
 * cursor's way: for what matchRecord leaves, and always exact.
 */
export function scanRecord(scanner: JsonScanner, repeated = new RepeatedValues()): RecordFields {
  const offset = scanner.pos;
  const fields: RecordFields = {};
  if (!scanner.enterObject()) return fields;
  do {
    const key = knownKey(scanner, scanner.nextKey(), RECORD_KEYS);
    if (key === 'properties') {
      const device = scanner.peek() === OPEN_BRACE ? scanProperties(scanner, offset, repeated) : skipped(scanner);
      // Of repeated properties members a JSON parser keeps the last, so only its device counts.
      if (device) fields.device = device;
      else if (fields.device) delete fields.device;
    } else if (key === 'category') {
      fields.category = readStringOrSkip(scanner, repeated) ?? null;
    } else if (key === 'tenantId' || key === 'time') {
      const value = readStringOrSkip(scanner, key === 'tenantId' ? repeated : undefined);
      // Of repeated members the last counts, as for a JSON parser, whatever it holds.
      if (value !== undefined) fields[key] = value;
      else if (fields[key] !== undefined) delete fields[key];
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
  const value =
    scanner.peek() === QUOTE ? repeated.read(scanner) : JSON.parse(scanner.text.slice(start, scanner.skipValue()));
  return { kind: 'value', value };
}

function readStringOrSkip(scanner: JsonScanner, repeated?: RepeatedValues): string | undefined {
  if (scanner.peek() !== QUOTE) {
    scanner.skipValue();
    return undefined;
  }
  return repeated ? repeated.read(scanner) : scanner.readString();
}
