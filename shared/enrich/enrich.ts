/**
 * Enrich: fill a missing or null properties.MachineGroup on records that have a DeviceId, from what the stream
 * teaches (any record with both, newest Timestamp wins, including records later in the same invocation) and
 * from the device directory. A non-null MachineGroup is never overwritten. The record's text is spliced, not
 * re-serialized, so everything else stays byte for byte.
 */
import type { DeviceFields, ForwardRecord } from '../pipeline/types.js';
import { compareTimestamps, type DeviceDirectory, type DeviceEntry } from './deviceDirectory.js';

export interface EnrichOptions {
  /** Given to devices no one knows; undefined leaves them as they came. */
  readonly defaultGroup?: string;
}

export type EnrichSource = 'stream' | 'directory' | 'default';

export interface CategoryCoverage {
  withDevice: number;
  alreadySet: number;
  fromStream: number;
  fromDirectory: number;
  defaulted: number;
  unknown: number;
}

export interface Enriched {
  readonly records: ForwardRecord[];
  readonly coverage: ReadonlyMap<string, CategoryCoverage>;
}

export async function enrichRecords(
  records: readonly ForwardRecord[],
  directory: DeviceDirectory,
  options: EnrichOptions,
): Promise<Enriched> {
  const learned = learnDevices(records);
  const wanted = new Set<string>();
  for (const record of records) {
    const device = record.device;
    if (device && needsGroup(record) && !learned.has(device.deviceId)) wanted.add(device.deviceId);
  }
  const known = wanted.size > 0 ? await directory.lookup(wanted) : new Map<string, DeviceEntry>();
  if (learned.size > 0) await directory.learn([...learned.values()]);

  const coverage = new Map<string, CategoryCoverage>();
  const enriched = records.map((record) => {
    if (!record.device) return record;
    const counts = coverageFor(coverage, record.category);
    counts.withDevice++;
    if (!needsGroup(record)) {
      counts.alreadySet++;
      return record;
    }
    const { group, source } = chooseGroup(record.device.deviceId, learned, known, options);
    if (group === undefined) {
      counts.unknown++;
      return record;
    }
    counts[source === 'stream' ? 'fromStream' : source === 'directory' ? 'fromDirectory' : 'defaulted']++;
    return withMachineGroup(record, group);
  });
  return { records: enriched, coverage };
}

/** Devices whose group the records themselves state; the newest statement per device wins. */
export function learnDevices(records: readonly ForwardRecord[]): Map<string, DeviceEntry> {
  // Most records of a device state its group again: keep the winning record's fields (one map lookup a record),
  // build entries once.
  const newest = new Map<string, { device: DeviceFields }>();
  for (const record of records) {
    const device = record.device;
    if (!device || device.machineGroup.kind !== 'value' || typeof device.machineGroup.value !== 'string') continue;
    const known = newest.get(device.deviceId);
    if (known === undefined) newest.set(device.deviceId, { device });
    else if (compareTimestamps(device.timestamp, known.device.timestamp) >= 0) known.device = device;
  }
  const learned = new Map<string, DeviceEntry>();
  for (const [deviceId, { device }] of newest) {
    const machineGroup = (device.machineGroup as { value: string }).value;
    learned.set(deviceId, { deviceId, machineGroup, deviceName: device.deviceName, timestamp: device.timestamp });
  }
  return learned;
}

function needsGroup(record: ForwardRecord): boolean {
  return record.device !== undefined && record.device.machineGroup.kind !== 'value';
}

function chooseGroup(
  deviceId: string,
  learned: ReadonlyMap<string, DeviceEntry>,
  known: ReadonlyMap<string, DeviceEntry>,
  options: EnrichOptions,
): { group?: string; source?: EnrichSource } {
  const fromStream = learned.get(deviceId);
  if (fromStream) return { group: fromStream.machineGroup, source: 'stream' };
  const fromDirectory = known.get(deviceId);
  if (fromDirectory) return { group: fromDirectory.machineGroup, source: 'directory' };
  if (options.defaultGroup !== undefined) return { group: options.defaultGroup, source: 'default' };
  return {};
}

/** The record with MachineGroup set to `group`, spliced into its text where the slot is. */
export function withMachineGroup(record: ForwardRecord, group: string): ForwardRecord {
  const device = record.device;
  const slot = device?.machineGroup;
  if (!device || !slot || slot.kind === 'value') return record;
  const value = JSON.stringify(group);
  const [at, removed, inserted] =
    slot.kind === 'null' ? [slot.start, slot.end - slot.start, value] : [slot.insertAt, 0, `${slot.firstMember ? '' : ','}"MachineGroup":${value}`];
  const text = record.text.slice(0, at) + inserted + record.text.slice(at + removed);
  return {
    ...record,
    text,
    // Counted from the parts: measuring the spliced text would flatten it into a copy of the whole record.
    bytes: record.bytes - removed + Buffer.byteLength(inserted),
    device: { ...device, machineGroup: { kind: 'value', value: group } },
  };
}

function coverageFor(coverage: Map<string, CategoryCoverage>, category: string): CategoryCoverage {
  let counts = coverage.get(category);
  if (!counts) {
    counts = { withDevice: 0, alreadySet: 0, fromStream: 0, fromDirectory: 0, defaulted: 0, unknown: 0 };
    coverage.set(category, counts);
  }
  return counts;
}
