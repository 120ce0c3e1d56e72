/**
 * Every app setting the code reads, in one declarative table: name, type, default and what it is for.
 * local.settings.sample.json, README and infra/ are checked against this table by the tests.
 */
import { choice, flag, integer, list, secret, text, type SettingSpec } from './settingTypes.js';

export const settings = {
  EVENT_HUB_NAMES: list({
    description: 'Event Hubs to read, comma-separated: one hub, or one per Defender table (insights-logs-advancedhunting-<table>). Required for the functions app.',
    example: 'insights-logs-advancedhunting',
  }),
  EVENT_HUB_CONSUMER_GROUP: text({ description: 'Consumer group the triggers read with.', default: '$Default' }),

  SIEM_URL: text({
    description: 'Where batches are POSTed. https, or plain http on loopback only.',
    required: true,
    example: 'https://siem.example.com/ingest',
  }),
  SIEM_FORMAT: choice({
    description: 'Request body format: ndjson (one record a line) or json (an array).',
    values: ['ndjson', 'json'] as const,
    default: 'ndjson',
  }),
  SIEM_AUTH: choice({
    description: 'How the secret is sent: bearer (Authorization: Bearer), header (SIEM_AUTH_HEADER: secret) or none.',
    values: ['bearer', 'header', 'none'] as const,
    default: 'bearer',
  }),
  SIEM_AUTH_HEADER: text({ description: 'Header that carries the secret when SIEM_AUTH=header.', example: 'X-Api-Key' }),
  SIEM_MAX_BATCH_BYTES: integer({
    description: 'Largest request body, in bytes of the encoded payload.',
    default: 1024 * 1024,
    min: 1024,
    max: 100 * 1024 * 1024,
  }),
  SIEM_MAX_BATCH_RECORDS: integer({ description: 'Most records in one request.', default: 500, min: 1, max: 100_000 }),
  SIEM_TIMEOUT_SECONDS: integer({ description: 'Time allowed for one SIEM request.', default: 30, min: 1, max: 600 }),
  SIEM_MAX_CONCURRENCY: integer({ description: 'Requests in flight at once per instance.', default: 4, min: 1, max: 64 }),

  KEY_VAULT_URL: text({ description: 'Key Vault holding the SIEM secret.', example: 'https://my-vault.vault.azure.net' }),
  SIEM_SECRET_NAME: text({ description: 'Name of the SIEM secret in KEY_VAULT_URL.', example: 'siem-token' }),
  SIEM_SECRET: secret({ description: 'Local development only: the SIEM secret itself. Key Vault wins when both are set.' }),
  SECRET_CACHE_MINUTES: integer({
    description: 'How long a secret read from Key Vault is reused before it is read again.',
    default: 60,
    min: 1,
    max: 24 * 60,
  }),

  SIEM_RETRY_SECONDS: integer({
    description: 'How long one invocation keeps retrying a batch the SIEM cannot take (capped by functionTimeout).',
    default: 120,
    min: 1,
    max: 3600,
  }),
  SIEM_RETRY_INITIAL_MS: integer({ description: 'First retry waits up to this long (full jitter).', default: 500, min: 1, max: 60_000 }),
  SIEM_RETRY_MAX_MS: integer({ description: 'Longest wait between retries.', default: 30_000, min: 1, max: 600_000 }),
  SIEM_OUTAGE_HOLD_MINUTES: integer({
    description: 'While the SIEM is unreachable, the trigger holds the partition (no checkpoint) this long before dead-lettering.',
    default: 60,
    min: 0,
    max: 7 * 24 * 60,
  }),

  DEAD_LETTER_STORAGE__blobServiceUri: text({
    description: 'Blob endpoint of the dead-letter account, reached with the app identity. Falls back to the host storage.',
    example: 'https://myaccount.blob.core.windows.net',
  }),
  DEAD_LETTER_STORAGE: secret({ description: 'Local development only: a connection string for the dead-letter account (Azurite).' }),
  DEAD_LETTER_CONTAINER: text({ description: 'Blob container for dead letters.', default: 'dead-letter' }),
  DEAD_LETTER_DIR: text({ description: 'Folder for dead letters written by the command line.', default: './dead-letter' }),
  AzureWebJobsStorage__blobServiceUri: text({ description: 'Host storage blob endpoint (identity-based); dead-letter fallback.' }),
  AzureWebJobsStorage__accountName: text({ description: 'Host storage account name (identity-based); dead-letter fallback.' }),
  AzureWebJobsStorage: secret({
    description: 'Host storage. Locally a connection string (UseDevelopmentStorage=true for Azurite); dead-letter fallback.',
    example: 'UseDevelopmentStorage=true',
  }),

  MACHINE_GROUP_DEFAULT: text({ description: 'MachineGroup given to devices no one knows; unset leaves them as they came.' }),

  DEVICE_DIRECTORY__tableServiceUri: text({
    description: 'Table endpoint of the device directory every instance shares, reached with the app identity. Falls back to the host storage.',
    example: 'https://myaccount.table.core.windows.net',
  }),
  DEVICE_DIRECTORY: secret({ description: 'Local development only: a connection string for the device directory (Azurite).' }),
  DEVICE_DIRECTORY_TABLE: text({ description: 'Table holding the device directory (DeviceId -> MachineGroup).', default: 'DeviceDirectory' }),
  DEVICE_DIRECTORY_CACHE_SIZE: integer({
    description: 'Devices each instance keeps in memory in front of the directory table.',
    default: 100_000,
    min: 100,
    max: 2_000_000,
  }),
  DEVICE_DIRECTORY_CACHE_MINUTES: integer({
    description: 'How long an instance reuses a device group before reading the table again (how soon it sees a change another instance learned).',
    default: 10,
    min: 1,
    max: 24 * 60,
  }),
  DEVICE_DIRECTORY_REFRESH_SCHEDULE: text({
    description: 'NCRONTAB schedule (six fields) for seeding the directory from the Defender for Endpoint machines API; empty turns it off.',
    example: '0 0 */6 * * *',
  }),
  DEFENDER_API_URL: text({
    description: 'Defender for Endpoint API the directory refresh reads machines from (regional or government endpoints work too).',
    default: 'https://api.securitycenter.microsoft.com',
  }),
  DEFENDER_API_SCOPE: text({
    description: 'Token scope for DEFENDER_API_URL; the app identity needs the WindowsDefenderATP application permission Machine.Read.All.',
    default: 'https://api.securitycenter.microsoft.com/.default',
  }),
  AzureWebJobsStorage__tableServiceUri: text({ description: 'Host storage table endpoint (identity-based); device directory fallback.' }),
  PARSE_DYNAMIC_FIELDS: flag({
    description: 'true turns JSON-in-a-string columns of the Device* tables and AlertEvidence (AdditionalFields, ...) into JSON. Off keeps records byte for byte.',
    default: false,
  }),
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof settings;
export type Settings = { readonly [K in SettingName]: ReturnType<(typeof settings)[K]['parse']> };

/**
 * Settings the Functions host and the Azure SDKs read themselves. Listed so that the sample and infra/ set them;
 * the code never reads them.
 */
export const hostSettings = {
  FUNCTIONS_WORKER_RUNTIME: { description: 'Always "node".', example: 'node' },
  EventHubConnection__fullyQualifiedNamespace: {
    description: 'Event Hubs namespace the triggers read from, with the app identity (identity-based connection).',
    example: 'my-namespace.servicebus.windows.net',
  },
  AZURE_CLIENT_ID: {
    description: 'Client id of the user-assigned managed identity the SDKs authenticate with.',
    example: '',
  },
} as const;

export function describeSettings(): { name: string; description: string; example: string; secret: boolean }[] {
  return Object.entries(settings).map(([name, spec]: [string, SettingSpec<unknown>]) => ({
    name,
    description: spec.description,
    example: spec.example,
    secret: spec.secret === true,
  }));
}
