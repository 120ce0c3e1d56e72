/**
 * PARSE_DYNAMIC_FIELDS: Defender sends its dynamic columns (AdditionalFields, LoggedOnUsers, IPAddresses, ...) as
 * JSON inside a string. SIEMs that index nested JSON search them better as objects, so this optional stage turns
 * `"AdditionalFields":"{\"a\":1}"` into `"AdditionalFields":{"a":1}`. It is a deliberate departure from byte
 * fidelity, off by default. The decoded text is spliced in as it is (only line breaks between tokens dropped, so
 * a record stays one line), never parsed and serialized again, so big numbers inside keep every digit. A value
 * that is not a JSON object or array stays the string it was.
 *
 * It runs after enrich: the MachineGroup slot offsets a record carries no longer apply to the shaped text.
 */
import type { ForwardRecord } from '../types/records.js';
import { JsonScanner, JsonSyntaxError } from '../unpack/jsonScanner.js';

/** Columns documented as JSON in a string in the Device* tables and AlertEvidence. */
const DYNAMIC_COLUMNS = [
  'AdditionalFields',
  'LoggedOnUsers',
  'IPAddresses',
  'DnsAddresses',
  'DefaultGateways',
  'ConnectedNetworks',
  'CrlDistributionPointUrls',
  'Categories',
  'AttackTechniques',
  'DeviceManualTags',
  'DeviceDynamicTags',
  'MitigationStatus',
  'CloudPlatforms',
];

// Any dynamic column worth parsing shows up as one of these; a record without either has nothing to do.
const STRING_HOLDING_JSON = /":"[[{]/;

export function isShapedCategory(category: string): boolean {
  return category.startsWith('AdvancedHunting-Device') || category === 'AdvancedHunting-AlertEvidence';
}

export function parseDynamicFields(records: readonly ForwardRecord[]): ForwardRecord[] {
  return records.map((record) => {
    if (!isShapedCategory(record.category) || !STRING_HOLDING_JSON.test(record.text)) return record;
    const text = shapeRecordText(record.text);
    return text === record.text ? record : { ...record, text, bytes: Buffer.byteLength(text) };
  });
}

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly json: string;
}

/** The record with each dynamic column in `properties` that holds a JSON object or array spliced in as JSON. */
export function shapeRecordText(text: string): string {
  const scanner = new JsonScanner(text);
  const splices: Splice[] = [];
  scanner.forEachMember((keyStart) => {
    if (!scanner.keyIs(keyStart, 'properties') || scanner.peek() !== 0x7b) {
      scanner.skipValue();
      return;
    }
    scanner.forEachMember((propertyStart) => {
      const start = scanner.pos;
      if (scanner.peek() !== 0x22 || !DYNAMIC_COLUMNS.some((name) => scanner.keyIs(propertyStart, name))) {
        scanner.skipValue();
        return;
      }
      const json = embeddedJson(scanner.readString());
      if (json !== undefined) splices.push({ start, end: scanner.pos, json });
    });
  });
  let shaped = '';
  let from = 0;
  for (const splice of splices) {
    shaped += text.slice(from, splice.start) + splice.json;
    from = splice.end;
  }
  return splices.length === 0 ? text : shaped + text.slice(from);
}

/** The string's content when it is a JSON object or array, with line breaks between tokens removed; else undefined. */
function embeddedJson(content: string): string | undefined {
  const first = content.trimStart().charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  try {
    const scanner = new JsonScanner(content);
    scanner.skipValue();
    scanner.expectEnd();
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
  // In valid JSON a raw line break can only be whitespace between tokens, so dropping it changes nothing else.
  return content.replace(/[\r\n]/g, '');
}
