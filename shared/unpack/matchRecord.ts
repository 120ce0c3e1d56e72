/**
 * The fast way to read a record: its members walked with compiled patterns (see jsonPatterns), which validate
 * everything they pass over and stop only at the few members the pipeline needs. Returns undefined whenever the
 * patterns cannot vouch for the record; scanRecord then reads it with the cursor, which is never wrong.
 */
import type { DeviceFields, MachineGroupSlot } from '../pipeline/types.js';
import { memberWalker, WALKER_GROUP } from './jsonPatterns.js';
import type { JsonScanner } from './jsonScanner.js';
import type { RecordFields, RepeatedValues } from './scanRecord.js';

const RECORD = memberWalker(['time', 'tenantId', 'category'], 'properties');
const PROPERTIES = memberWalker(['DeviceId', 'DeviceName', 'Timestamp', 'MachineGroup']);

const COMMA = 0x2c;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Reads the object at the scanner's cursor (its `{`) and moves the cursor past it; or returns undefined, the
 * cursor left where it was, to leave the object to the cursor.
 */
export function matchRecord(scanner: JsonScanner, repeated: RepeatedValues): RecordFields | undefined {
  const { text } = scanner;
  const start = scanner.pos;
  const fields: RecordFields = {};
  let pos = start + 1;
  for (;;) {
    const match = walk(RECORD, text, pos);
    if (match === undefined) return undefined;
    const name = match[WALKER_GROUP.name];
    if (match[WALKER_GROUP.descend] !== undefined) {
      const properties = matchProperties(text, RECORD.lastIndex, start, repeated);
      if (properties === undefined) return undefined;
      if (properties.device) fields.device = properties.device;
      pos = nextMember(text, properties.end);
    } else if (name === undefined) {
      scanner.pos = RECORD.lastIndex;
      return fields;
    } else {
      const value = stringValue(match);
      if (name === 'category') fields.category = value === undefined ? null : repeated.intern(value);
      else if (value !== undefined && name === 'tenantId') fields.tenantId = repeated.intern(value);
      else if (value !== undefined) fields.time = value;
      pos = nextMember(text, RECORD.lastIndex);
    }
    if (pos === INVALID) return undefined;
  }
}

interface MatchedProperties {
  readonly device?: DeviceFields;
  /** Just past the closing brace of properties. */
  readonly end: number;
}

/** `open` is where the `{` of properties is; slot positions are counted from `offset`, the record's start. */
function matchProperties(text: string, open: number, offset: number, repeated: RepeatedValues): MatchedProperties | undefined {
  let deviceId: string | undefined;
  let deviceName: string | undefined;
  let timestamp: string | undefined;
  let machineGroup: MachineGroupSlot | undefined;
  let pos = open + 1;
  for (;;) {
    const match = walk(PROPERTIES, text, pos);
    if (match === undefined) return undefined;
    const name = match[WALKER_GROUP.name];
    if (name === undefined) break;
    const valueEnd = PROPERTIES.lastIndex;
    if (name === 'MachineGroup') machineGroup = machineGroupSlot(match, valueEnd - offset, repeated);
    else if (name === 'DeviceId') deviceId = stringValue(match);
    else if (name === 'DeviceName') deviceName = stringValue(match);
    else timestamp = stringValue(match);
    pos = nextMember(text, valueEnd);
    if (pos === INVALID) return undefined;
  }
  const end = PROPERTIES.lastIndex;
  if (!deviceId) return { end };
  machineGroup ??= { kind: 'absent', insertAt: end - 1 - offset, firstMember: isEmptyObject(text, end - 1) };
  return { device: { deviceId, deviceName, timestamp, machineGroup }, end };
}

function walk(pattern: RegExp, text: string, from: number): RegExpExecArray | undefined {
  pattern.lastIndex = from;
  try {
    return pattern.exec(text) ?? undefined;
  } catch (error) {
    // A value so long or so deep that the engine's backtracking stack runs out: the cursor reads it instead.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const INVALID = -1;

/**
 * After a member's value: where the walk goes on, at the next member's name (past a comma) or at the object's
 * closing brace; INVALID when neither follows.
 */
function nextMember(text: string, from: number): number {
  let pos = skipSpaces(text, from);
  const code = text.charCodeAt(pos);
  if (code === CLOSE_BRACE) return pos;
  if (code !== COMMA) return INVALID;
  pos = skipSpaces(text, pos + 1);
  return text.charCodeAt(pos) === QUOTE ? pos : INVALID;
}

function skipSpaces(text: string, from: number): number {
  let pos = from;
  for (let code = text.charCodeAt(pos); code === 0x20 || code === 0x09; code = text.charCodeAt(pos)) pos++;
  return pos;
}

function isEmptyObject(text: string, closingBrace: number): boolean {
  let pos = closingBrace - 1;
  for (let code = text.charCodeAt(pos); code === 0x20 || code === 0x09; code = text.charCodeAt(pos)) pos--;
  return text.charCodeAt(pos) === OPEN_BRACE;
}

/** The matched member's value when it is a string; undefined for any other value. */
function stringValue(match: RegExpExecArray): string | undefined {
  const plain = match[WALKER_GROUP.plainString];
  if (plain !== undefined) return plain;
  const other = match[WALKER_GROUP.otherValue]!;
  return other.charCodeAt(0) === QUOTE ? (JSON.parse(other) as string) : undefined;
}

function machineGroupSlot(match: RegExpExecArray, valueEnd: number, repeated: RepeatedValues): MachineGroupSlot {
  if (match[WALKER_GROUP.otherValue] === 'null') return { kind: 'null', start: valueEnd - 4, end: valueEnd };
  const group = stringValue(match);
  return { kind: 'value', value: group === undefined ? (JSON.parse(match[WALKER_GROUP.otherValue]!) as unknown) : repeated.intern(group) };
}
