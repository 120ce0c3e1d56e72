/**
 * Builders for Defender-shaped test records. They return JSON text, not objects, so a test can put exactly the
 * bytes it wants on the wire (19-digit numbers, 7-digit fractions, key order) and compare what arrives.
 */

export interface RecordParts {
  readonly table: string;
  /** Raw JSON text of the properties object's members, e.g. `"DeviceId":"abc","MachineGroup":null`. */
  readonly properties?: string;
  readonly time?: string;
  readonly tenantId?: string;
}

export const TENANT = '4b8c18bd-2f9f-4227-af55-9f1061cf9c32';

export function recordText(parts: RecordParts): string {
  const time = parts.time ?? '2026-07-18T14:08:10.0236840Z';
  return (
    `{"time":"${time}","tenantId":"${parts.tenantId ?? TENANT}","operationName":"Publish",` +
    `"category":"AdvancedHunting-${parts.table}","properties":{${parts.properties ?? ''}},"Tenant":"DefaultTenant"}`
  );
}

export function deviceInfo(deviceId: string, group: string | null, timestamp = '2026-07-18T14:05:55.510513Z'): string {
  const machineGroup = group === null ? 'null' : JSON.stringify(group);
  return recordText({
    table: 'DeviceInfo',
    properties: `"DeviceName":"host-${deviceId}","DeviceId":"${deviceId}","ReportId":639199803770463703,"Timestamp":"${timestamp}","MachineGroup":${machineGroup}`,
  });
}

export function deviceEvent(
  deviceId: string,
  machineGroup: 'absent' | 'null' | string,
  table = 'DeviceProcessEvents',
): string {
  const group =
    machineGroup === 'absent'
      ? ''
      : `,"MachineGroup":${machineGroup === 'null' ? 'null' : JSON.stringify(machineGroup)}`;
  return recordText({
    table,
    properties: `"Timestamp":"2026-07-18T14:55:41.3225710Z","DeviceId":"${deviceId}","DeviceName":"host-${deviceId}","ReportId":639199803770463703,"FileName":"a.exe"${group}`,
  });
}

export function body(records: readonly string[]): string {
  return `{"records":[${records.join(',')}]}`;
}

/** A record carrying a unique `RecordKey`, padded to about `size` bytes, so tests can follow each one. */
export function keyedRecord(key: string, table = 'DeviceProcessEvents', size = 300): string {
  const base = recordText({ table, properties: `"RecordKey":"${key}","Padding":""` });
  return base.replace('"Padding":""', `"Padding":"${'x'.repeat(Math.max(0, size - base.length))}"`);
}

/** Every RecordKey in a text, escaped (inside a JSON string, as a dead letter keeps an invalid body) or not. */
export function recordKeys(text: string): string[] {
  return [...text.matchAll(/RecordKey\\?":\\?"([^"\\]+)/g)].map((match) => match[1]!);
}
