/**
 * Every app setting the code reads, in one declarative table: name, type, default and what it is for.
 * local.settings.sample.json, README and infra/ are checked against this table by the tests.
 */
import { choice, flag, integer, list, localOnly, secret, text, type SettingSpec } from './settingTypes.js';

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
  SIEM_SECRET: localOnly(secret({ description: 'Local development only: the SIEM secret itself. Key Vault wins when both are set.' })),
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
  DEAD_LETTER_STORAGE: localOnly(secret({ description: 'Local development only: a connection string for the dead-letter account (Azurite).' })),
  DEAD_LETTER_CONTAINER: text({ description: 'Blob container for dead letters.', default: 'dead-letter' }),
  DEAD_LETTER_DIR: localOnly(text({ description: 'Folder for dead letters written by the command line.', default: './dead-letter' })),
  AzureWebJobsStorage__blobServiceUri: text({ description: 'Host storage blob endpoint (identity-based); dead-letter fallback.' }),
  AzureWebJobsStorage__accountName: text({ description: 'Host storage account name (identity-based); dead-letter fallback.' }),
  AzureWebJobsStorage: localOnly(
    secret({
      description: 'Host storage. Locally a connection string (UseDevelopmentStorage=true for Azurite); dead-letter fallback.',
      example: 'UseDevelopmentStorage=true',
    }),
  ),

  MACHINE_GROUP_DEFAULT: text({ description: 'MachineGroup given to devices no one knows; unset leaves them as they came.' }),
} satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof settings;
export type Settings = { readonly [K in SettingName]: ReturnType<(typeof settings)[K]['parse']> };

/**
 * Settings the Functions host and the Azure SDKs read themselves. Listed so that the sample and infra/ set them;
 * the code never reads them.
 */
export const hostSettings = {
  FUNCTIONS_WORKER_RUNTIME: {
    description: 'Always "node". Local only: on Flex Consumption the runtime is part of the app (infra/), not a setting.',
    example: 'node',
    localOnly: true,
  },
  EventHubConnection__fullyQualifiedNamespace: {
    description: 'Event Hubs namespace the triggers read from, with the app identity (identity-based connection).',
    example: 'my-namespace.servicebus.windows.net',
  },
  AZURE_CLIENT_ID: {
    description: 'Client id of the user-assigned managed identity the SDKs authenticate with.',
    example: '',
  },

  // Identity-based connections in Azure (infra/ sets them); empty locally, where your Azure CLI login is used.
  EventHubConnection__credential: { description: 'In Azure "managedidentity": the triggers sign in as the app identity.', example: '' },
  EventHubConnection__clientId: { description: 'In Azure the client id of the app identity, for the triggers.', example: '' },
  AzureWebJobsStorage__credential: { description: 'In Azure "managedidentity": the host reaches its storage as the app identity.', example: '' },
  AzureWebJobsStorage__clientId: { description: 'In Azure the client id of the app identity, for the host storage.', example: '' },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    description: 'Application Insights component the host and the app send telemetry to; empty locally sends none.',
    example: '',
  },
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: {
    description: 'In Azure "ClientId=<app identity>;Authorization=AAD": telemetry is sent with Entra ID, not a key.',
    example: '',
  },
} as const satisfies Record<string, { description: string; example: string; localOnly?: true }>;

export function describeSettings(): { name: string; description: string; example: string; secret: boolean }[] {
  return Object.entries(settings).map(([name, spec]: [string, SettingSpec<unknown>]) => ({
    name,
    description: spec.description,
    example: spec.example,
    secret: spec.secret === true,
  }));
}
