/**
 * Enrich: fill a missing or null properties.MachineGroup on records that have a DeviceId, from what the stream
 * teaches (any record with both, newest Timestamp wins, including records later in the same invocation) and
 * from the device directory. A non-null MachineGroup is never overwritten. The record's text is spliced, not
 * re-serialized, so everything else stays byte for byte.
 */
import type { DeviceFields, ForwardRecord } from '../types/records.js';
import type { CategoryCoverage, EnrichProblem } from '../types/summary.js';
import { compareTimestamps, DirectoryLookupError, type DeviceDirectory, type DeviceEntry } from './deviceDirectory.js';

export interface EnrichOptions {
  /** Given to devices no one knows; undefined leaves them as they came. */
  readonly defaultGroup?: string;
}

export type EnrichSource = 'stream' | 'directory' | 'default';

export interface Enriched {
  readonly records: ForwardRecord[];
  readonly coverage: ReadonlyMap<string, CategoryCoverage>;
  readonly problems: readonly EnrichProblem[];
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
    if (device && needsGroup(record) && !learned.has(device.deviceId) && !wanted.has(device.deviceId))
      wanted.add(detached(device.deviceId));
  }
  // A security pipeline prefers delivery with a visible gap to stopping: when the directory fails, records go on
  // un-enriched (counted as unknown), and the invocation reports the problem instead of failing.
  const problems: EnrichProblem[] = [];
  const [known] = await Promise.all([lookUp(directory, wanted, problems), teach(directory, learned, problems)]);

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
  return { records: enriched, coverage, problems };
}

interface LookupResult {
  readonly found: ReadonlyMap<string, DeviceEntry>;
  /** False when the directory could not be asked about every device: a device not found may still be known. */
  readonly complete: boolean;
}

async function lookUp(
  directory: DeviceDirectory,
  wanted: ReadonlySet<string>,
  problems: EnrichProblem[],
): Promise<LookupResult> {
  if (wanted.size === 0) return { found: new Map(), complete: true };
  try {
    return { found: await directory.lookup(wanted), complete: true };
  } catch (error) {
    problems.push({ stage: 'lookup', devices: wanted.size, detail: (error as Error).message });
    return { found: error instanceof DirectoryLookupError ? error.found : new Map(), complete: false };
  }
}

async function teach(
  directory: DeviceDirectory,
  learned: ReadonlyMap<string, DeviceEntry>,
  problems: EnrichProblem[],
): Promise<void> {
  if (learned.size === 0) return;
  try {
    await directory.learn([...learned.values()]);
  } catch (error) {
    problems.push({ stage: 'learn', devices: learned.size, detail: (error as Error).message });
  }
}

/** Devices whose group the records themselves state; the newest statement per device wins. */
export function learnDevices(records: readonly ForwardRecord[]): Map<string, DeviceEntry> {
  // Most records of a device state its group again: keep the winning record's fields (one map lookup a record),
  // build entries once.
  const newest = new Map<string, { device: DeviceFields }>();
  for (const record of records) {
    const device = record.device;
    if (device?.machineGroup.kind !== 'value' || typeof device.machineGroup.value !== 'string') continue;
    const known = newest.get(device.deviceId);
    if (known === undefined) newest.set(device.deviceId, { device });
    else if (compareTimestamps(device.timestamp, known.device.timestamp) >= 0) known.device = device;
  }
  const learned = new Map<string, DeviceEntry>();
  for (const [deviceId, { device }] of newest) {
    const entry: DeviceEntry = {
      deviceId: detached(deviceId),
      machineGroup: detached((device.machineGroup as { value: string }).value),
      deviceName: device.deviceName === undefined ? undefined : detached(device.deviceName),
      timestamp: device.timestamp === undefined ? undefined : detached(device.timestamp),
    };
    learned.set(entry.deviceId, entry);
  }
  return learned;
}

/**
 * The same text in a string of its own. Fields read from a message are slices of it, and a slice keeps the whole
 * message (up to 1 MB) alive: a directory caching thousands of devices would hold on to thousands of messages.
 * Only what reaches the directory is copied (a few per device, not per record); UTF-16 keeps every code unit.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** A device record without a MachineGroup: the only kind enrichment changes. */
export function needsGroup(record: ForwardRecord): boolean {
  return record.device !== undefined && record.device.machineGroup.kind !== 'value';
}

function chooseGroup(
  deviceId: string,
  learned: ReadonlyMap<string, DeviceEntry>,
  known: LookupResult,
  options: EnrichOptions,
): { group?: string; source?: EnrichSource } {
  const fromStream = learned.get(deviceId);
  if (fromStream) return { group: fromStream.machineGroup, source: 'stream' };
  const fromDirectory = known.found.get(deviceId);
  if (fromDirectory) return { group: fromDirectory.machineGroup, source: 'directory' };
  // A device the unreachable directory may well know must not be labelled with the default group.
  if (!known.complete) return {};
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
    slot.kind === 'null'
      ? [slot.start, slot.end - slot.start, value]
      : [slot.insertAt, 0, `${slot.firstMember ? '' : ','}"MachineGroup":${value}`];
  const parts = [record.text.slice(0, at), inserted, record.text.slice(at + removed)];
  // Concatenated, not joined: a concatenation is a rope that points at its parts, join copies them.
  const text = parts[0]! + parts[1]! + parts[2]!;
  return {
    ...record,
    text,
    pieces: { of: text, parts },
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
