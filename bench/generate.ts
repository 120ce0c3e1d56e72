/**
 * Realistic Defender streaming traffic for the benchmark: records with each table's documented columns and types,
 * values shaped like the real ones (Windows paths and command lines full of escapes, JSON-in-string dynamic
 * columns, 19-digit ReportIds, 6 and 7 fractional digits, some non-ASCII names), thousands of devices with
 * DeviceInfo rows among their events, packed into Event Hub message bodies as Defender packs them.
 * Deterministic for a seed, and generated, never copied from real data.
 */
import { hex, seeded } from '../cli/sample/sampleStream.js';
import { TABLES, type Column, type TableSpec } from './defenderTables.js';

export interface TrafficOptions {
  readonly seed?: number;
  readonly devices?: number;
  readonly tenantId?: string;
}

interface Binary {
  readonly fileName: string;
  readonly folderPath: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly md5: string;
  readonly size: number;
  readonly company: string | null;
  readonly product: string | null;
  readonly version: string | null;
  readonly description: string | null;
}

interface Account {
  readonly name: string;
  readonly domain: string;
  readonly sid: string;
  readonly upn: string | null;
  readonly objectId: string | null;
}

interface Device {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  readonly accounts: readonly Account[];
}

/** What one record is about: the pieces its columns are drawn from, so related columns agree. */
interface Scene {
  readonly table: TableSpec;
  readonly device: Device;
  readonly account: Account;
  readonly file: Binary;
  readonly initiating: Binary;
  readonly parent: Binary;
  readonly eventMs: number;
}

const GROUPS = [
  'UnassignedGroup',
  'Windows 10 - remediate threats automatically',
  'Servers - Tier 0',
  'Servers - Tier 1',
  'Workstations EU',
  'Workstations US',
  'Linux Servers - remediate threats automatically',
  'macOS',
  'Kiosks',
  'VDI pool',
];
const PROGRAMS = [
  [
    'svchost.exe',
    'c:\\windows\\system32',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'Host Process for Windows Services',
  ],
  [
    'powershell.exe',
    'c:\\windows\\system32\\windowspowershell\\v1.0',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'Windows PowerShell',
  ],
  [
    'cmd.exe',
    'c:\\windows\\system32',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'Windows Command Processor',
  ],
  [
    'msedge.exe',
    'c:\\program files (x86)\\microsoft\\edge\\application',
    'Microsoft Corporation',
    'Microsoft Edge',
    'Microsoft Edge',
  ],
  ['chrome.exe', 'c:\\program files\\google\\chrome\\application', 'Google LLC', 'Google Chrome', 'Google Chrome'],
  [
    'OUTLOOK.EXE',
    'c:\\program files\\microsoft office\\root\\office16',
    'Microsoft Corporation',
    'Microsoft Outlook',
    'Microsoft Outlook',
  ],
  [
    'MsMpEng.exe',
    'c:\\programdata\\microsoft\\windows defender\\platform\\4.18.25010.11-0',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'Antimalware Service Executable',
  ],
  [
    'SenseNdr.exe',
    'c:\\program files\\windows defender advanced threat protection',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'Windows Defender Advanced Threat Protection',
  ],
  [
    'Teams.exe',
    'c:\\users\\{user}\\appdata\\local\\microsoft\\teams\\current',
    'Microsoft Corporation',
    'Microsoft Teams',
    'Microsoft Teams',
  ],
  [
    'wmiprvse.exe',
    'c:\\windows\\system32\\wbem',
    'Microsoft Corporation',
    'Microsoft® Windows® Operating System',
    'WMI Provider Host',
  ],
  ['python3.11', '/usr/bin', null, null, null],
  ['sshd', '/usr/sbin', null, null, null],
] as const;
/**
 * Names outside ASCII are rare in a stream but decide how V8 stores a whole body: one character beyond Latin-1
 * makes the 1 MB string two bytes a character. At these rates about half the 1 MB bodies hold one.
 */
const LATIN1_PROGRAM = [
  'Übersicht-Updater.exe',
  'c:\\program files\\übersicht',
  'Müller & Söhne GmbH',
  'Übersicht',
  'Aktualisierungsdienst',
] as const;
const CJK_PROGRAM = [
  '报表工具.exe',
  'c:\\program files\\报表工具',
  '示例软件有限公司',
  '报表工具',
  '报表工具',
] as const;
const LATIN1_RATE = 0.01;
const CJK_RATE = 0.0005;
const USERS = ['alice', 'bob', 'carol.smith', 'dave', 'svc_backup', 'admin', 'SYSTEM', 'NETWORK SERVICE'];
const LATIN1_USER = 'jürgen.müller';
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  DeviceProcessEvents: ['ProcessCreated', 'OpenProcess'],
  DeviceNetworkEvents: [
    'ConnectionSuccess',
    'ConnectionRequest',
    'InboundConnectionAccepted',
    'ListeningConnectionCreated',
    'ConnectionFailed',
  ],
  DeviceFileEvents: ['FileCreated', 'FileModified', 'FileRenamed', 'FileDeleted'],
  DeviceEvents: [
    'NtAllocateVirtualMemoryApiCall',
    'CreateRemoteThreadApiCall',
    'AntivirusScanCompleted',
    'DnsQueryResponse',
    'ScriptContent',
    'PnpDeviceConnected',
  ],
  DeviceRegistryEvents: ['RegistryValueSet', 'RegistryKeyCreated', 'RegistryKeyDeleted'],
  DeviceImageLoadEvents: ['ImageLoaded'],
  DeviceLogonEvents: ['LogonSuccess', 'LogonFailed', 'LogonAttempted'],
  IdentityLogonEvents: ['LogonSuccess', 'LogonFailed'],
  CloudAppEvents: ['FileAccessed', 'MailItemsAccessed', 'Add member to role.', 'New-InboxRule'],
};
const DEVICE_TABLE = /^Device/;
/** Columns every row of a table fills; the others are often null, and more often on the catch-all tables. */
const ALWAYS_SET =
  /^(Timestamp|DeviceId|DeviceName|ActionType|ReportId|AlertId|NetworkMessageId)$|FileName$|SHA1$|Port$|IP$/;
const SPARSE_TABLES = new Set(['DeviceEvents', 'DeviceImageLoadEvents', 'DeviceRegistryEvents']);

export class DefenderTraffic {
  readonly #random: () => number;
  readonly #tenantId: string;
  readonly #devices: Device[];
  readonly #binaries: Binary[];
  readonly #latin1Binary: Binary;
  readonly #cjkBinary: Binary;
  readonly #tableWeights: number[];
  #clockMs = Date.UTC(2026, 10, 23, 9, 0, 0);
  /** A record made for the previous message that did not fit in it: it opens the next one. */
  #carried: string | undefined;

  constructor(options: TrafficOptions = {}) {
    const random = seeded(options.seed ?? 1);
    this.#random = random;
    this.#tenantId = options.tenantId ?? '4b8c18bd-2f9f-4227-af55-9f1061cf9c32';
    this.#binaries = Array.from({ length: 400 }, (_, i) => this.#binary(PROGRAMS[i % PROGRAMS.length]!));
    this.#latin1Binary = this.#binary(LATIN1_PROGRAM);
    this.#cjkBinary = this.#binary(CJK_PROGRAM);
    this.#devices = Array.from({ length: options.devices ?? 5000 }, (_, i) => ({
      id: hex(random, 40),
      name: `${i % 7 === 0 ? 'srv' : 'wks'}-${String(i).padStart(5, '0')}.contoso.local`,
      group: GROUPS[Math.floor(random() ** 2 * GROUPS.length)]!,
      accounts: Array.from({ length: 1 + Math.floor(random() * 3) }, () => this.#account()),
    }));
    let total = 0;
    this.#tableWeights = TABLES.map((table) => (total += table.weight));
  }

  /** One Event Hub body: {"records":[...]} holding as many records as fit in maxBytes (UTF-8), at least one. */
  message(maxBytes: number): string {
    const records: string[] = [];
    let bytes = '{"records":[]}'.length;
    for (;;) {
      const record = this.record();
      const size = Buffer.byteLength(record) + (records.length > 0 ? 1 : 0);
      if (records.length > 0 && bytes + size > maxBytes) {
        this.#carried = record;
        break;
      }
      records.push(record);
      bytes += size;
    }
    // Flat, as the Functions worker hands bodies over (a concatenation would leave a rope for us to flatten).
    return ['{"records":[', records.join(','), ']}'].join('');
  }

  /** The next record's JSON text. */
  record(): string {
    if (this.#carried !== undefined) {
      const record = this.#carried;
      this.#carried = undefined;
      return record;
    }
    const random = this.#random;
    const table = this.#pickTable();
    const device = this.#pick(this.#devices);
    this.#clockMs += Math.floor(random() * 40);
    const scene: Scene = {
      table,
      device,
      account: this.#pick(device.accounts),
      file: this.#pickBinary(),
      initiating: this.#pickBinary(),
      parent: this.#pickBinary(),
      eventMs: this.#clockMs,
    };
    const members: string[] = [];
    for (const column of table.columns) {
      if (column.name === 'MachineGroup') continue;
      members.push(`"${column.name}":${this.#value(column, scene)}`);
    }
    const group = this.#machineGroup(scene);
    if (group !== undefined) members.push(`"MachineGroup":${group}`);
    const received = this.#ticks(scene.eventMs + 40_000 + random() * 60_000, 7);
    return (
      `{"time":"${this.#ticks(scene.eventMs + 100_000 + random() * 60_000, 7)}Z","tenantId":"${this.#tenantId}",` +
      `"operationName":"Publish","category":"AdvancedHunting-${table.name}",` +
      (random() < 0.7 ? `"_TimeReceivedBySvc":"${received}${random() < 0.9 ? 'Z' : ''}",` : '') +
      `"properties":{${members.join(',')}},"Tenant":"DefaultTenant"}`
    );
  }

  /** Present with the device's group on most device records, sometimes null or absent: what enrichment fills. */
  #machineGroup(scene: Scene): string | undefined {
    const { table, device } = scene;
    if (table.name === 'DeviceInfo') return JSON.stringify(device.group);
    if (table.name === 'AlertEvidence' || table.name === 'AlertInfo') return 'null';
    if (!DEVICE_TABLE.test(table.name)) return undefined;
    const roll = this.#random();
    return roll < 0.85 ? JSON.stringify(device.group) : roll < 0.95 ? 'null' : undefined;
  }

  #value(column: Column, scene: Scene): string {
    const random = this.#random;
    const { name } = column;
    if (!ALWAYS_SET.test(name) && random() < (SPARSE_TABLES.has(scene.table.name) ? 0.6 : 0.3)) return 'null';
    switch (column.type) {
      case 'datetime':
        return name === 'Timestamp'
          ? `"${this.#ticks(scene.eventMs, random() < 0.5 ? 6 : 7)}Z"`
          : `"${this.#ticks(scene.eventMs - random() * 3_600_000, random() < 0.5 ? 6 : 7)}Z"`;
      case 'bool':
        return random() < 0.2 ? 'null' : random() < 0.8 ? 'false' : 'true';
      case 'int':
        return name.endsWith('Port')
          ? String(random() < 0.5 ? 443 : 1024 + Math.floor(random() * 64000))
          : String(Math.floor(random() * 100));
      case 'long':
        return this.#long(name, scene);
      case 'dynamic':
        return random() < 0.3 ? 'null' : JSON.stringify(this.#dynamic(scene));
      case 'string':
        return this.#string(name, scene);
    }
  }

  #long(name: string, scene: Scene): string {
    const random = this.#random;
    if (name === 'ReportId') return String(1 + Math.floor(random() * 8)) + digits(random, 18);
    if (name === 'EmailClusterId') return String(1 + Math.floor(random() * 9)) + digits(random, 10);
    if (name.endsWith('FileSize')) return String(this.#subject(name, scene).size);
    if (name.endsWith('LogonId')) return random() < 0.3 ? '0' : String(Math.floor(random() * 1e9));
    if (name.endsWith('SessionId')) return random() < 0.5 ? 'null' : String(Math.floor(random() * 10));
    return String(Math.floor(random() * 65_000));
  }

  #string(name: string, scene: Scene): string {
    const random = this.#random;
    const subject = this.#subject(name, scene);
    const account = name.startsWith('InitiatingProcess') ? scene.device.accounts[0]! : scene.account;
    if (name === 'DeviceId') return `"${scene.device.id}"`;
    if (name.includes('RemoteSession') || name === 'AppGuardContainerId')
      return random() < 0.95 ? 'null' : `"${this.#ip()}"`;
    if (name === 'DeviceName') return `"${scene.device.name}"`;
    if (name === 'ActionType') return JSON.stringify(this.#pick(ACTIONS[scene.table.name] ?? ['Alert']));
    if (name.endsWith('SHA1')) return `"${subject.sha1}"`;
    if (name.endsWith('SHA256')) return `"${subject.sha256}"`;
    if (name.endsWith('MD5')) return `"${subject.md5}"`;
    if (name.endsWith('FileName')) return JSON.stringify(subject.fileName);
    if (name.endsWith('FolderPath')) return JSON.stringify(`${subject.folderPath}\\${subject.fileName}`);
    if (name.endsWith('CommandLine')) return JSON.stringify(this.#commandLine(subject));
    if (name.endsWith('CompanyName')) return JSON.stringify(subject.company);
    if (name.endsWith('ProductName')) return JSON.stringify(subject.product);
    if (name.endsWith('ProductVersion')) return JSON.stringify(subject.version);
    if (name.endsWith('FileDescription')) return JSON.stringify(subject.description);
    if (name.endsWith('InternalFileName') || name.endsWith('OriginalFileName')) return JSON.stringify(subject.fileName);
    if (name.endsWith('AccountName')) return JSON.stringify(account.name);
    if (name.endsWith('AccountDomain')) return JSON.stringify(account.domain);
    if (name.endsWith('AccountSid')) return `"${account.sid}"`;
    if (name.endsWith('AccountUpn')) return JSON.stringify(account.upn);
    if (name.endsWith('AccountObjectId')) return JSON.stringify(account.objectId);
    if (name.endsWith('IP') || name.endsWith('IPAddress') || name === 'SenderIPv4') return `"${this.#ip()}"`;
    if (name.endsWith('IntegrityLevel'))
      return random() < 0.3 ? 'null' : `"${this.#pick(['System', 'High', 'Medium', 'Low'])}"`;
    if (name.endsWith('TokenElevation'))
      return `"${this.#pick(['None', 'TokenElevationTypeDefault', 'TokenElevationTypeFull'])}"`;
    if (name.endsWith('UniqueId')) return `"${digits(random, 17)}"`;
    if (name.endsWith('Url'))
      return random() < 0.6
        ? 'null'
        : `"https://${this.#pick(['login.microsoftonline.com', 'cdn.contoso.com', 'updates.example.net'])}/${hex(random, 12)}?ref=${hex(random, 6)}"`;
    if (name.startsWith('Registry')) return this.#registry(name);
    if (
      name === 'AdditionalFields' ||
      name === 'LoggedOnUsers' ||
      name.endsWith('Addresses') ||
      name === 'ConnectedNetworks'
    ) {
      return random() < 0.25 ? 'null' : JSON.stringify(JSON.stringify(this.#dynamic(scene)));
    }
    if (name === 'Categories' || name === 'AttackTechniques')
      return JSON.stringify(JSON.stringify(['Execution', 'Defense Evasion (T1562)']));
    if (name.endsWith('Id') || name === 'HardwareUuid') return random() < 0.3 ? 'null' : `"${this.#uuid()}"`;
    if (name === 'Subject' || name === 'Title' || name === 'EmailSubject') {
      return JSON.stringify(
        random() < CJK_RATE * 50
          ? '📎 Invoice 2026-11'
          : this.#pick(['Quarterly report', 'Re: Überweisung', 'Suspicious PowerShell command line']),
      );
    }
    if (name.endsWith('Address') || name === 'To' || name === 'Cc')
      return `"${this.#pick(USERS).replace(/[^a-z.]/g, '')}@contoso.com"`;
    if (name.startsWith('Is') || name.startsWith('Remote') || name.startsWith('Previous')) return 'null';
    return random() < 0.35
      ? 'null'
      : random() < 0.1
        ? '""'
        : JSON.stringify(
            this.#pick([
              'Tcp',
              'Private',
              'Public',
              'Onboarded',
              'Valid',
              'OsVendor',
              'Workstation',
              'Windows11',
              '10.0',
              'Medium',
              'Active',
            ]),
          );
  }

  #subject(name: string, scene: Scene): Binary {
    if (name.startsWith('InitiatingProcessParent')) return scene.parent;
    if (name.startsWith('InitiatingProcess')) return scene.initiating;
    return scene.file;
  }

  #commandLine(binary: Binary): string {
    const random = this.#random;
    switch (Math.floor(random() * 4)) {
      case 0:
        return `"${binary.folderPath}\\${binary.fileName}" --type=renderer --field-trial-handle=${digits(random, 4)},i,${digits(random, 19)} --lang=en-US /prefetch:${1 + Math.floor(random() * 8)}`;
      case 1:
        return `${binary.fileName} -NoProfile -ExecutionPolicy Bypass -Command "& {Get-ChildItem 'C:\\Users\\Public\\Documents' -Recurse | Where-Object { $_.Length -gt ${digits(random, 5)} }}"`;
      case 2:
        return `${binary.fileName} -k netsvcs -p -s Schedule`;
      default:
        return `"${binary.folderPath}\\${binary.fileName}"\t/S /D="C:\\Program Files\\App ${digits(random, 3)}"`;
    }
  }

  #registry(name: string): string {
    const random = this.#random;
    if (name.endsWith('Key'))
      return JSON.stringify(
        `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\${this.#pick(['Run', 'RunOnce', 'Policies\\System', 'Explorer\\Shell Folders'])}`,
      );
    if (name.endsWith('ValueType')) return `"${this.#pick(['String', 'Dword', 'Binary', 'ExpandString'])}"`;
    if (name.endsWith('ValueName'))
      return JSON.stringify(this.#pick(['(Default)', 'OneDrive', 'SecurityHealth', 'EnableLUA']));
    return random() < 0.5
      ? JSON.stringify(`"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe" /background`)
      : `"${digits(random, 1)}"`;
  }

  #dynamic(scene: Scene): unknown {
    const random = this.#random;
    switch (Math.floor(random() * 4)) {
      case 0:
        return { FileType: this.#pick(['PortableExecutable', 'Unknown', 'Zip', 'Pdf']) };
      case 1:
        return [{ UserName: scene.account.name, DomainName: scene.account.domain, Sid: scene.account.sid }];
      case 2:
        return {
          InitiatingProcessPosixEffectiveUser: {
            Sid: scene.account.sid,
            Name: scene.account.name,
            DomainName: scene.account.domain,
            LogonId: 0,
            PosixUserId: 503,
          },
          InitiatingProcessPosixProcessGroupId: Math.floor(random() * 90_000),
          InitiatingProcessPosixSessionId: 1,
          ProcessPosixSessionId: 1,
          InitiatingProcessCurrentWorkingDirectory: '/',
        };
      default:
        return [
          { IPAddress: this.#ip(), SubnetPrefix: 24, AddressType: 'Private' },
          { IPAddress: `fe80::${hex(random, 4)}:${hex(random, 4)}`, SubnetPrefix: 64, AddressType: 'LinkLocal' },
        ];
    }
  }

  #binary(program: (typeof PROGRAMS)[number] | typeof LATIN1_PROGRAM | typeof CJK_PROGRAM): Binary {
    const random = this.#random;
    const [fileName, folder, company, product, description] = program;
    return {
      fileName,
      folderPath: folder.replace('{user}', this.#pick(USERS)),
      sha1: hex(random, 40),
      sha256: hex(random, 64),
      md5: hex(random, 32),
      size: 20_000 + Math.floor(random() * 5_000_000),
      company,
      product,
      version: company === null ? null : `10.0.${digits(random, 5)}.${digits(random, 4)}`,
      description,
    };
  }

  #account(): Account {
    const random = this.#random;
    const name = random() < LATIN1_RATE * 3 ? LATIN1_USER : this.#pick(USERS);
    const local = random() < 0.3;
    return {
      name,
      domain: local ? 'wks-local' : 'CONTOSO',
      sid: `S-1-5-21-${digits(random, 10)}-${digits(random, 10)}-${digits(random, 10)}-${digits(random, 4)}`,
      upn: local ? null : `${name.replace(/\s/g, '')}@contoso.com`,
      objectId: local ? null : this.#uuid(),
    };
  }

  #uuid(): string {
    const random = this.#random;
    return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
  }

  #ip(): string {
    const random = this.#random;
    const octet = () => Math.floor(random() * 256);
    return random() < 0.5
      ? `10.${octet()}.${octet()}.${octet()}`
      : `${20 + (octet() % 180)}.${octet()}.${octet()}.${octet()}`;
  }

  /** Defender's times: the given number of fractional digits (Timestamp has 0 to 7, time always 7), no zone. */
  #ticks(ms: number, fractionDigits: number): string {
    const iso = new Date(Math.floor(ms)).toISOString().slice(0, 23);
    return `${iso}${digits(this.#random, 7).slice(0, fractionDigits - 3)}`;
  }

  #pickTable(): TableSpec {
    const roll = this.#random() * this.#tableWeights[this.#tableWeights.length - 1]!;
    const index = this.#tableWeights.findIndex((limit) => roll < limit);
    return TABLES[index]!;
  }

  #pickBinary(): Binary {
    const roll = this.#random();
    return roll < CJK_RATE ? this.#cjkBinary : roll < LATIN1_RATE ? this.#latin1Binary : this.#pick(this.#binaries);
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }
}

function digits(random: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(random() * 10);
  return out;
}
