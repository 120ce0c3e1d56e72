/**
 * Reads the few fields the pipeline needs from one record's JSON text, and where MachineGroup sits in it,
 * without building the record as an object. Keys are told apart by length first, so the fifty-odd columns a
 * record does not need cost one comparison each.
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

/** Scans the object at the scanner's cursor; `offset` is where the record's text starts in the scanner's text. */
export function scanRecord(scanner: JsonScanner, offset: number, repeated = new RepeatedValues()): RecordFields {
  const fields: RecordFields = {};
  if (!scanner.enterObject()) return fields;
  do {
    const keyStart = scanner.nextKey();
    switch (scanner.keyLength) {
      case 4:
        if (scanner.keyIs(keyStart, 'time')) {
          const time = readStringOrSkip(scanner);
          if (time !== undefined) fields.time = time;
          continue;
        }
        break;
      case 8:
        if (scanner.keyIs(keyStart, 'category')) {
          fields.category = readStringOrSkip(scanner, repeated) ?? null;
          continue;
        }
        if (scanner.keyIs(keyStart, 'tenantId')) {
          const tenantId = readStringOrSkip(scanner, repeated);
          if (tenantId !== undefined) fields.tenantId = tenantId;
          continue;
        }
        break;
      case 10:
        if (scanner.keyIs(keyStart, 'properties')) {
          if (scanner.peek() === OPEN_BRACE) {
            const device = scanProperties(scanner, offset, repeated);
            if (device) fields.device = device;
          } else {
            scanner.skipValue();
          }
          continue;
        }
        break;
    }
    scanner.skipValue();
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
      const keyStart = scanner.nextKey();
      switch (scanner.keyLength) {
        case 8:
          if (scanner.keyIs(keyStart, 'DeviceId')) {
            deviceId = readStringOrSkip(scanner);
            continue;
          }
          break;
        case 9:
          if (scanner.keyIs(keyStart, 'Timestamp')) {
            timestamp = readStringOrSkip(scanner);
            continue;
          }
          break;
        case 10:
          if (scanner.keyIs(keyStart, 'DeviceName')) {
            deviceName = readStringOrSkip(scanner);
            continue;
          }
          break;
        case 12:
          if (scanner.keyIs(keyStart, 'MachineGroup')) {
            machineGroup = readMachineGroup(scanner, offset, repeated);
            continue;
          }
          break;
      }
      scanner.skipValue();
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
