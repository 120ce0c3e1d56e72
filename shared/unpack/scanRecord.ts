/**
 * Reads the few fields the pipeline needs from one record's JSON text, and where MachineGroup sits in it,
 * without building the record as an object.
 */
import type { DeviceFields, MachineGroupSlot } from '../pipeline/types.js';
import { JsonScanner } from './jsonScanner.js';

export interface RecordFields {
  category?: unknown;
  tenantId?: string;
  time?: string;
  device?: DeviceFields;
}

/** Scans the object at the scanner's cursor; `offset` is where the record's text starts in the scanner's text. */
export function scanRecord(scanner: JsonScanner, offset: number): RecordFields {
  const fields: RecordFields = {};
  scanner.forEachMember((keyStart) => {
    if (scanner.keyIs(keyStart, 'properties')) {
      const device = scanner.peek() === 0x7b ? scanProperties(scanner, offset) : (scanner.skipValue(), undefined);
      if (device) fields.device = device;
    } else if (scanner.keyIs(keyStart, 'category')) {
      fields.category = readStringOrSkip(scanner) ?? null;
    } else if (scanner.keyIs(keyStart, 'tenantId')) {
      const value = readStringOrSkip(scanner);
      if (value !== undefined) fields.tenantId = value;
    } else if (scanner.keyIs(keyStart, 'time')) {
      const value = readStringOrSkip(scanner);
      if (value !== undefined) fields.time = value;
    } else {
      scanner.skipValue();
    }
  });
  return fields;
}

function scanProperties(scanner: JsonScanner, offset: number): DeviceFields | undefined {
  let deviceId: string | undefined;
  let deviceName: string | undefined;
  let timestamp: string | undefined;
  let machineGroup: MachineGroupSlot | undefined;
  let members = 0;
  scanner.forEachMember((keyStart) => {
    members++;
    if (scanner.keyIs(keyStart, 'DeviceId')) {
      deviceId = readStringOrSkip(scanner);
    } else if (scanner.keyIs(keyStart, 'MachineGroup')) {
      machineGroup = readMachineGroup(scanner, offset);
    } else if (scanner.keyIs(keyStart, 'DeviceName')) {
      deviceName = readStringOrSkip(scanner);
    } else if (scanner.keyIs(keyStart, 'Timestamp')) {
      timestamp = readStringOrSkip(scanner);
    } else {
      scanner.skipValue();
    }
  });
  if (!deviceId) return undefined;
  // The cursor is just past the closing brace of properties.
  machineGroup ??= { kind: 'absent', insertAt: scanner.pos - 1 - offset, firstMember: members === 0 };
  return { deviceId, deviceName, timestamp, machineGroup };
}

function readMachineGroup(scanner: JsonScanner, offset: number): MachineGroupSlot {
  const start = scanner.pos;
  if (scanner.text.startsWith('null', start)) {
    scanner.skipValue();
    return { kind: 'null', start: start - offset, end: scanner.pos - offset };
  }
  const value = scanner.peek() === 0x22 ? scanner.readString() : JSON.parse(scanner.text.slice(start, scanner.skipValue()));
  return { kind: 'value', value };
}

function readStringOrSkip(scanner: JsonScanner): string | undefined {
  if (scanner.peek() === 0x22) return scanner.readString();
  scanner.skipValue();
  return undefined;
}
