/**
 * Seeds and refreshes the device directory from Defender itself, for tenants whose stream carries no DeviceInfo:
 * every machine the API lists with a device group (rbacGroupName) is learned as of the refresh's start, so a
 * stream record newer than the refresh still wins, and an older one does not undo it. Machines without a group
 * are left out rather than written with a guess.
 */
import type { DeviceDirectory, DeviceEntry } from '../enrich/deviceDirectory.js';
import { listMachines, type Machine, type MachinesApiOptions } from './machinesApi.js';

export interface RefreshSummary {
  readonly pages: number;
  readonly machines: number;
  /** Machines with a device group, handed to the directory (which writes only what changed). */
  readonly learned: number;
}

export async function refreshDirectory(
  directory: DeviceDirectory,
  api: MachinesApiOptions,
  now: () => Date = () => new Date(),
): Promise<RefreshSummary> {
  const asOf = now().toISOString();
  let pages = 0;
  let machines = 0;
  let learned = 0;
  // One page at a time: a tenant's machines never have to fit in memory at once.
  for await (const page of listMachines(api)) {
    pages++;
    machines += page.length;
    const entries = page.flatMap((machine) => toEntry(machine, asOf) ?? []);
    learned += entries.length;
    if (entries.length > 0) await directory.learn(entries);
  }
  return { pages, machines, learned };
}

function toEntry(machine: Machine, asOf: string): DeviceEntry | undefined {
  const { id, rbacGroupName, computerDnsName } = machine;
  if (typeof id !== 'string' || id === '' || typeof rbacGroupName !== 'string' || rbacGroupName === '')
    return undefined;
  return {
    deviceId: id,
    machineGroup: rbacGroupName,
    ...(typeof computerDnsName === 'string' ? { deviceName: computerDnsName } : {}),
    timestamp: asOf,
  };
}
