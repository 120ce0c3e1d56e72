/**
 * The fast way to read a record: its members walked with compiled patterns (see jsonPatterns), which validate
 * everything they pass over and stop only at the few members the pipeline needs. Returns undefined whenever the
 * patterns cannot vouch for the record; scanRecord then reads it with the cursor, which is never wrong.
 */
import type { DeviceFields, MachineGroupSlot } from '../types/records.js';
import { JSON_VALUE, membersExcept } from './jsonPatterns.js';
import type { JsonScanner } from './jsonScanner.js';
import type { RecordFields, RepeatedValues } from './scanRecord.js';

const RECORD_NAMES = ['time', 'tenantId', 'category', 'properties'] as const;
const PROPERTY_NAMES = ['DeviceId', 'DeviceName', 'Timestamp', 'MachineGroup'] as const;
const SKIP_RECORD_MEMBERS = membersExcept(RECORD_NAMES);
const SKIP_PROPERTY_MEMBERS = membersExcept(PROPERTY_NAMES);

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BACKSLASH = '\\';

/** What MemberWalk.next found besides a wanted member. */
const END = -1;
const INVALID = -2;

/**
 * Reads the object at the scanner's cursor (its `{`) and moves the cursor past it; or returns undefined, the
 * cursor left where it was, to leave the object to the cursor.
 */
export function matchRecord(scanner: JsonScanner, repeated: RepeatedValues): RecordFields | undefined {
  const { text } = scanner;
  const start = scanner.pos;
  const fields: RecordFields = {};
  const walk = new MemberWalk(text, SKIP_RECORD_MEMBERS, RECORD_NAMES, start + 1);
  for (;;) {
    const found = walk.next();
    if (found === END) break;
    if (found === INVALID) return undefined;
    if (RECORD_NAMES[found] === 'properties') {
      if (text.charCodeAt(walk.pos) !== OPEN_BRACE) return undefined;
      const properties = matchProperties(text, walk.pos, start, repeated);
      if (properties === undefined) return undefined;
      // Of repeated properties members a JSON parser keeps the last, so only its device counts.
      if (properties.device) fields.device = properties.device;
      else if (fields.device) delete fields.device;
      walk.pos = properties.end;
    } else {
      const valueStart = walk.value();
      if (valueStart === INVALID) return undefined;
      const name = RECORD_NAMES[found] as 'category' | 'time' | 'tenantId';
      const value = stringValue(text, valueStart, walk.pos);
      // Every record has its own time; category and tenant repeat. Of repeated members the last counts, as for a
      // JSON parser, whatever it holds: a tenantId null after "A" is no tenant.
      if (name === 'category') fields.category = value === undefined ? null : repeated.intern(value);
      else if (value !== undefined) fields[name] = name === 'time' ? value : repeated.intern(value);
      else if (fields[name] !== undefined) delete fields[name];
    }
    if (!walk.nextMember()) return undefined;
  }
  scanner.pos = walk.pos;
  return fields;
}

interface MatchedProperties {
  readonly device?: DeviceFields;
  /** Just past the closing brace of properties. */
  readonly end: number;
}

/** `open` is where the `{` of properties is; slot positions are counted from `offset`, the record's start. */
function matchProperties(
  text: string,
  open: number,
  offset: number,
  repeated: RepeatedValues,
): MatchedProperties | undefined {
  let deviceId: string | undefined;
  let deviceName: string | undefined;
  let timestamp: string | undefined;
  let machineGroup: MachineGroupSlot | undefined;
  const walk = new MemberWalk(text, SKIP_PROPERTY_MEMBERS, PROPERTY_NAMES, open + 1);
  for (;;) {
    const found = walk.next();
    if (found === END) break;
    if (found === INVALID) return undefined;
    const start = walk.value();
    if (start === INVALID) return undefined;
    const end = walk.pos;
    const name = PROPERTY_NAMES[found];
    if (name === 'MachineGroup') machineGroup = machineGroupSlot(text, start, end, offset, repeated);
    else if (name === 'DeviceId') deviceId = stringValue(text, start, end);
    else if (name === 'DeviceName') deviceName = stringValue(text, start, end);
    else timestamp = stringValue(text, start, end);
    if (!walk.nextMember()) return undefined;
  }
  const end = walk.pos;
  if (!deviceId) return { end };
  machineGroup ??= { kind: 'absent', insertAt: end - 1 - offset, firstMember: isEmptyObject(text, end - 1) };
  return { device: { deviceId, deviceName, timestamp, machineGroup }, end };
}

/** A walk through one object's members, from just after its `{`, stopping at the members named. */
class MemberWalk {
  pos: number;

  constructor(
    readonly text: string,
    readonly skip: RegExp,
    readonly names: readonly string[],
    pos: number,
  ) {
    this.pos = pos;
  }

  /**
   * Passes over members not named; returns the index in `names` of the member it stops at (the cursor then at its
   * value), END at the closing brace (the cursor past it), or INVALID where the patterns cannot go on.
   */
  next(): number {
    const text = this.text;
    if (!run(this.skip, text, this.pos)) return INVALID;
    const pos = this.skip.lastIndex;
    const code = text.charCodeAt(pos);
    if (code === CLOSE_BRACE) {
      this.pos = pos + 1;
      return END;
    }
    if (code !== QUOTE) return INVALID;
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (text.charCodeAt(pos + name.length + 1) !== QUOTE || !text.startsWith(name, pos + 1)) continue;
      const colon = skipSpaces(text, pos + name.length + 2);
      if (text.charCodeAt(colon) !== COLON) return INVALID;
      this.pos = skipSpaces(text, colon + 1);
      return i;
    }
    // A member the skipping pattern would not take: invalid, or beyond what it spells out.
    return INVALID;
  }

  /** Consumes the value at the cursor; returns where it starts, or INVALID. */
  value(): number {
    const start = this.pos;
    if (!run(JSON_VALUE, this.text, start)) return INVALID;
    this.pos = JSON_VALUE.lastIndex;
    return start;
  }

  /** After a value: past a comma to the next member's name, or at the closing brace. False when neither follows. */
  nextMember(): boolean {
    const text = this.text;
    let pos = skipSpaces(text, this.pos);
    const code = text.charCodeAt(pos);
    if (code === COMMA) {
      pos = skipSpaces(text, pos + 1);
      if (text.charCodeAt(pos) !== QUOTE) return false;
    } else if (code !== CLOSE_BRACE) {
      return false;
    }
    this.pos = pos;
    return true;
  }
}

/** Runs a sticky pattern from `from`: whether it matched (its lastIndex is then where it stopped). */
function run(pattern: RegExp, text: string, from: number): boolean {
  pattern.lastIndex = from;
  try {
    return pattern.test(text);
  } catch (error) {
    // A value so long or so deep that the engine's backtracking stack runs out: the cursor reads it instead.
    if (error instanceof RangeError) return false;
    throw error;
  }
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

/** The value between `start` and `end` when it is a string (already validated); undefined for any other value. */
function stringValue(text: string, start: number, end: number): string | undefined {
  if (text.charCodeAt(start) !== QUOTE) return undefined;
  const content = text.slice(start + 1, end - 1);
  return content.includes(BACKSLASH) ? (JSON.parse(text.slice(start, end)) as string) : content;
}

function machineGroupSlot(
  text: string,
  start: number,
  end: number,
  offset: number,
  repeated: RepeatedValues,
): MachineGroupSlot {
  if (end - start === 4 && text.startsWith('null', start))
    return { kind: 'null', start: start - offset, end: end - offset };
  const group = stringValue(text, start, end);
  return {
    kind: 'value',
    value: group === undefined ? (JSON.parse(text.slice(start, end)) as unknown) : repeated.intern(group),
  };
}
