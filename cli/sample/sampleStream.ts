/**
 * A small, realistic Defender stream for the demo and the tests: several tables, DeviceInfo rows that teach
 * MachineGroup (some arriving after the events they enrich), device events whose MachineGroup is null or absent,
 * AlertEvidence pointing at devices, 19-digit ReportIds and 7-digit fractional times. Deterministic for a seed.
 */

export interface SampleOptions {
  readonly messages: number;
  readonly recordsPerMessage: number;
  readonly devices: number;
  readonly seed?: number;
  readonly tenantId?: string;
}

const GROUPS = ['Servers', 'Workstations-EU', 'Workstations-US', 'Domain Controllers'];

export function sampleMessages(options: SampleOptions): string[] {
  const random = seeded(options.seed ?? 1);
  const tenantId = options.tenantId ?? '4b8c18bd-2f9f-4227-af55-9f1061cf9c32';
  const devices = Array.from({ length: options.devices }, (_, i) => ({
    id: hex(random, 40),
    name: `host-${String(i).padStart(4, '0')}.contoso.local`,
    group: GROUPS[i % GROUPS.length]!,
  }));
  const start = Date.UTC(2026, 10, 23, 9, 0, 0);
  const bodies: string[] = [];
  let sequence = 0;
  for (let m = 0; m < options.messages; m++) {
    const records: string[] = [];
    for (let r = 0; r < options.recordsPerMessage; r++) {
      const device = devices[Math.floor(random() * devices.length)]!;
      const when = start + sequence++ * 137;
      records.push(sampleRecord(pickTable(random), device, when, tenantId, random));
    }
    bodies.push(`{"records":[${records.join(',')}]}`);
  }
  return bodies;
}

type Device = { id: string; name: string; group: string };
type Table =
  | 'DeviceInfo'
  | 'DeviceProcessEvents'
  | 'DeviceNetworkEvents'
  | 'DeviceFileEvents'
  | 'AlertEvidence'
  | 'EmailEvents';

function pickTable(random: () => number): Table {
  const roll = random();
  if (roll < 0.1) return 'DeviceInfo';
  if (roll < 0.4) return 'DeviceProcessEvents';
  if (roll < 0.65) return 'DeviceNetworkEvents';
  if (roll < 0.82) return 'DeviceFileEvents';
  if (roll < 0.9) return 'AlertEvidence';
  return 'EmailEvents';
}

function sampleRecord(table: Table, device: Device, when: number, tenantId: string, random: () => number): string {
  const time = ticks(when + 95_000, random);
  const timestamp = ticks(when, random);
  const reportId = `63919${String(Math.floor(random() * 1e14)).padStart(14, '0')}`;
  const envelope = (properties: string) =>
    `{"time":"${time}","tenantId":"${tenantId}","operationName":"Publish","category":"AdvancedHunting-${table}",` +
    `"_TimeReceivedBySvc":"${ticks(when + 60_000, random)}","properties":${properties},"Tenant":"DefaultTenant"}`;
  const deviceColumns = `"DeviceId":"${device.id}","DeviceName":"${device.name}"`;
  switch (table) {
    case 'DeviceInfo':
      return envelope(
        `{${deviceColumns},"ReportId":${reportId},"OSPlatform":"Windows11","OSBuild":22631,"IsAzureADJoined":true,` +
          `"LoggedOnUsers":"[{\\"UserName\\":\\"alice\\",\\"DomainName\\":\\"CONTOSO\\"}]","OnboardingStatus":"Onboarded",` +
          `"Timestamp":"${timestamp}","MachineGroup":"${device.group}"}`,
      );
    case 'DeviceProcessEvents':
      return envelope(
        `{"Timestamp":"${timestamp}",${deviceColumns},"ActionType":"ProcessCreated","FileName":"powershell.exe",` +
          `"FolderPath":"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe","ProcessId":${4000 + Math.floor(random() * 60000)},` +
          `"ProcessCommandLine":"powershell.exe -NoProfile -Command \\"Get-Date\\"","ReportId":${reportId},` +
          `"AdditionalFields":"{\\"ProcessPosixSessionId\\":0}","MachineGroup":${random() < 0.5 ? 'null' : `"${device.group}"`}}`,
      );
    case 'DeviceNetworkEvents':
      return envelope(
        `{"Timestamp":"${timestamp}",${deviceColumns},"ActionType":"ConnectionSuccess","RemoteIP":"20.190.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}",` +
          `"RemotePort":443,"LocalIP":"10.0.0.${Math.floor(random() * 255)}","Protocol":"Tcp","ReportId":${reportId}}`,
      );
    case 'DeviceFileEvents':
      return envelope(
        `{"Timestamp":"${timestamp}",${deviceColumns},"ActionType":"FileCreated","FileName":"report-${Math.floor(random() * 1000)}.docx",` +
          `"FolderPath":"C:\\\\Users\\\\alice\\\\Documents","SHA256":"${hex(random, 64)}","FileSize":${Math.floor(random() * 1e6)},` +
          `"ReportId":${reportId},"MachineGroup":null}`,
      );
    case 'AlertEvidence':
      return envelope(
        `{"Timestamp":"${timestamp}","AlertId":"da${hex(random, 38)}","EntityType":"Machine","EvidenceRole":"Impacted",` +
          `${deviceColumns},"MachineGroup":null,"Title":"Suspicious PowerShell command line","Severity":"Medium",` +
          `"AdditionalFields":"{\\"Type\\":\\"machine\\"}"}`,
      );
    case 'EmailEvents':
      return envelope(
        `{"Timestamp":"${timestamp}","NetworkMessageId":"${hex(random, 32)}","Subject":"Quarterly report",` +
          `"SenderFromAddress":"bob@fabrikam.com","RecipientEmailAddress":"alice@contoso.com","DeliveryAction":"Delivered",` +
          `"ReportId":"${hex(random, 16)}"}`,
      );
  }
}

/** ISO time with 7 fractional digits, as Defender writes it. */
function ticks(ms: number, random: () => number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}${String(Math.floor(random() * 1e4)).padStart(4, '0')}Z`);
}

export function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** mulberry32: a tiny seeded generator, so a given seed always yields the same stream. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
