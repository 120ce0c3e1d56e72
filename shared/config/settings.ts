/**
 * Every app setting the code reads, in one declarative table: name, type, default and what it is for. Each SIEM
 * protocol brings its own rows (see shared/sinks/definition.ts); they follow the SIEM settings all protocols share.
 * local.settings.sample.json, README and infra/ are checked against this table by the tests.
 */
import type { SinkDefinition } from '../sinks/definition.js';
import { SINKS } from '../sinks/registry.js';
import { authDefaultsText, batchBytesText, entraScopesText, formatsText, urlText } from './protocolText.js';
import { checkRoutes, type RouteOverrides } from './routes.js';
import {
  choice,
  flag,
  integer,
  json,
  list,
  localOnly,
  secret,
  text,
  type SettingRows,
  type SettingSpec,
} from './settingTypes.js';
import { SIEM_AUTH_MODES } from './siemConfig.js';

type Sinks = readonly SinkDefinition[];

/** The rows before the protocols' own: the Event Hubs, and the SIEM settings every protocol shares. */
function leadingSettings(sinks: Sinks) {
  return {
    EVENT_HUB_NAMES: list({
      description:
        'Event Hubs to read, comma-separated: one hub, or one per Defender table (insights-logs-advancedhunting-<table>). Required for the functions app.',
      example: 'insights-logs-advancedhunting',
    }),
    EVENT_HUB_CONSUMER_GROUP: text({ description: 'Consumer group the triggers read with.', default: '$Default' }),

    SIEM_URL: text({
      description: `Where batches are POSTed. https, or plain http on loopback only. May contain {category}, {table} and {tenantId} in its path or query.${urlText(sinks)}`,
      required: true,
      example: 'https://siem.example.com/ingest',
    }),
    SIEM_FORMAT: choice({
      description: `The SIEM protocol: ${formatsText(sinks)}.`,
      values: sinks.map((sink) => sink.format),
      default: sinks[0]?.format ?? '',
    }),
    SIEM_AUTH: choice({
      description: `How requests authenticate: bearer, splunk, basic (secret user:password), header (SIEM_AUTH_HEADER), apikey (Elastic), entra (managed identity token), mtls (client certificate) or none. Default: ${authDefaultsText(sinks)}.`,
      values: SIEM_AUTH_MODES,
      example: 'bearer',
    }),
    SIEM_AUTH_HEADER: text({
      description: 'Header that carries the secret when SIEM_AUTH=header.',
      example: 'X-Api-Key',
    }),
    SIEM_MAX_BATCH_BYTES: integer({
      description: `Largest request body, in bytes before compression.${batchBytesText(sinks)}`,
      min: 1024,
      max: 100 * 1024 * 1024,
      example: '1048576',
    }),
    SIEM_MAX_BATCH_RECORDS: integer({
      description: 'Most records in one request.',
      default: 500,
      min: 1,
      max: 100_000,
    }),
    SIEM_TIMEOUT_SECONDS: integer({ description: 'Time allowed for one SIEM request.', default: 30, min: 1, max: 600 }),
    SIEM_MAX_CONCURRENCY: integer({
      description: 'Requests in flight at once per instance.',
      default: 4,
      min: 1,
      max: 64,
    }),

    KEY_VAULT_URL: text({
      description: 'Key Vault holding the SIEM secret.',
      example: 'https://my-vault.vault.azure.net',
    }),
    SIEM_SECRET_NAME: text({
      description: 'Name of the SIEM secret in KEY_VAULT_URL. A route may name its own (secretName in SIEM_ROUTES).',
      example: 'siem-token',
    }),
    SIEM_SECRET: localOnly(
      secret({ description: 'Local development only: the SIEM secret itself. Key Vault wins when both are set.' }),
    ),
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
    SIEM_RETRY_INITIAL_MS: integer({
      description: 'First retry waits up to this long (full jitter).',
      default: 500,
      min: 1,
      max: 60_000,
    }),
    SIEM_RETRY_MAX_MS: integer({ description: 'Longest wait between retries.', default: 30_000, min: 1, max: 600_000 }),
    SIEM_OUTAGE_HOLD_MINUTES: integer({
      description:
        'While the SIEM cannot take records, a partition is held (no checkpoint) this long, measured from the first failure, before what the SIEM cannot take is dead-lettered. 0: dead-letter at once.',
      default: 60,
      min: 0,
      max: 7 * 24 * 60,
    }),

    // SIEM protocols, credentials and routing (formats, auth and routing).
    SIEM_GZIP: flag({
      description:
        'Compress request bodies with gzip (Content-Encoding: gzip). Batch limits still count uncompressed bytes.',
      default: false,
    }),
    SIEM_ENTRA_SCOPE: text({
      description: `Scope of the Entra token for SIEM_AUTH=entra, from the app identity.${entraScopesText(sinks)}`,
      example: 'api://my-siem/.default',
    }),
    SIEM_CA_CERT: text({
      description: "Name of a Key Vault secret holding extra CA certificates (PEM) the SIEM's certificate chains to.",
      example: 'siem-ca',
    }),
    SIEM_ROUTES: json<RouteOverrides>({
      description:
        'Overrides per table, per tenant and per tenant and table, one JSON object: table, tenant:<tenantId> or tenant:<tenantId>/<table> -> {url, secretName, sourcetype, index, stream}; the most specific wins. Checked at start-up.',
      example: '{"DeviceProcessEvents":{"url":"https://siem.example.com/ingest/edr"}}',
      default: new Map(),
      check: checkRoutes,
    }),
    CATEGORIES_INCLUDE: list({
      description: 'Forward only these tables (comma-separated, with or without AdvancedHunting-). Unset forwards all.',
      example: '',
    }),
    CATEGORIES_EXCLUDE: list({
      description: 'Never forward these tables. Excluded records are counted, not sent.',
      example: '',
    }),
  } satisfies SettingRows;
}

/** The rows after the protocols' own. */
const trailingSettings = {
  DEAD_LETTER_STORAGE__blobServiceUri: text({
    description:
      'Blob endpoint of the dead-letter account, reached with the app identity. Falls back to the host storage.',
    example: 'https://myaccount.blob.core.windows.net',
  }),
  DEAD_LETTER_STORAGE: localOnly(
    secret({ description: 'Local development only: a connection string for the dead-letter account (Azurite).' }),
  ),
  DEAD_LETTER_CONTAINER: text({ description: 'Blob container for dead letters.', default: 'dead-letter' }),
  DEAD_LETTER_DIR: localOnly(
    text({ description: 'Folder for dead letters written by the command line.', default: './dead-letter' }),
  ),
  AzureWebJobsStorage__blobServiceUri: text({
    description: 'Host storage blob endpoint (identity-based); dead-letter fallback.',
  }),
  AzureWebJobsStorage__accountName: text({
    description: 'Host storage account name (identity-based); dead-letter fallback.',
  }),
  AzureWebJobsStorage: localOnly(
    secret({
      description:
        'Host storage. Locally a connection string (UseDevelopmentStorage=true for Azurite); dead-letter fallback.',
      example: 'UseDevelopmentStorage=true',
    }),
  ),

  REDRIVE_SCHEDULE: text({
    description:
      'When the redrive function re-sends dead letters: an NCRONTAB expression of six fields ("0 */15 * * * *": every 15 minutes; Flex Consumption takes no interval such as "00:15:00"). Empty: no redrive function.',
    example: '0 */15 * * * *',
  }),

  MACHINE_GROUP_DEFAULT: text({
    description: 'MachineGroup given to devices no one knows; unset leaves them as they came.',
  }),

  ALLOWED_TENANT_IDS: list({
    description:
      'Tenant ids whose records may be forwarded, comma-separated. Records of any other tenant are dead-lettered (tenant-not-allowed). Unset: every tenant.',
    example: '',
  }),

  BACKFILL_STORAGE: localOnly(
    secret({
      description:
        'Local development only: a connection string (Azurite) for replay --from-blob. Unset, replay reads blobs with your identity.',
    }),
  ),

  // Not a credential (ingestion signs in with Entra ID), but it names the resource: the Config holds it as a SecretValue.
  APPLICATIONINSIGHTS_CONNECTION_STRING: text({
    description:
      'Application Insights connection string: metrics, SIEM dependency calls. Unset turns telemetry off (local runs, tests). The Functions host reads it too, for its own logs.',
  }),
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: text({
    description:
      'Entra ID ingestion, for Application Insights with local authentication disabled: "Authorization=AAD" (the app identity), or "Authorization=AAD;ClientId=<id>" for a user-assigned identity.',
  }),
  TELEMETRY_TRACE_SAMPLING_PERCENTAGE: integer({
    description:
      'Percentage of traces (SIEM dependency calls) sent to Application Insights. Metrics are never sampled.',
    default: 100,
    min: 0,
    max: 100,
  }),

  DEVICE_DIRECTORY__tableServiceUri: text({
    description:
      'Table endpoint of the device directory every instance shares, reached with the app identity. Falls back to the host storage.',
    example: 'https://myaccount.table.core.windows.net',
  }),
  DEVICE_DIRECTORY: localOnly(
    secret({ description: 'Local development only: a connection string for the device directory (Azurite).' }),
  ),
  DEVICE_DIRECTORY_TABLE: text({
    description: 'Table holding the device directory (DeviceId -> MachineGroup).',
    default: 'devicedirectory',
  }),
  DEVICE_DIRECTORY_CACHE_SIZE: integer({
    description: 'Devices each instance keeps in memory in front of the directory table.',
    default: 100_000,
    min: 100,
    max: 2_000_000,
  }),
  DEVICE_DIRECTORY_CACHE_MINUTES: integer({
    description:
      'How long an instance reuses a device group before reading the table again (how soon it sees a change another instance learned).',
    default: 10,
    min: 1,
    max: 24 * 60,
  }),
  DEVICE_DIRECTORY_REFRESH_SCHEDULE: text({
    description:
      'NCRONTAB schedule (six fields) for seeding the directory from the Defender for Endpoint machines API; empty turns it off.',
    example: '0 0 */6 * * *',
  }),
  DEFENDER_API_URL: text({
    description:
      'Defender for Endpoint API the directory refresh reads machines from (regional or government endpoints work too).',
    default: 'https://api.securitycenter.microsoft.com',
  }),
  DEFENDER_API_SCOPE: text({
    description:
      'Token scope for DEFENDER_API_URL; the app identity needs the WindowsDefenderATP application permission Machine.Read.All.',
    default: 'https://api.securitycenter.microsoft.com/.default',
  }),
  AzureWebJobsStorage__tableServiceUri: text({
    description: 'Host storage table endpoint (identity-based); device directory fallback.',
  }),
  PARSE_DYNAMIC_FIELDS: flag({
    description:
      'true turns JSON-in-a-string columns of the Device* tables and AlertEvidence (AdditionalFields, ...) into JSON. Off keeps records byte for byte.',
    default: false,
  }),
} satisfies SettingRows;

type SharedRows = ReturnType<typeof leadingSettings> & typeof trailingSettings;

/**
 * The table for the protocols `sinks` (the registry's, unless a test brings one of its own). Typed by the rows
 * every protocol shares; each protocol's own rows sit between them, typed by its definition.
 */
export function settingsTable(sinks: Sinks): SharedRows {
  const leading = leadingSettings(sinks);
  const protocolRows: Record<string, SettingSpec<unknown>> = {};
  for (const [name, spec] of sinks.flatMap((sink) => Object.entries(sink.settings))) {
    if (name in leading || name in protocolRows || name in trailingSettings)
      throw new Error(`the settings table has ${name} twice`);
    protocolRows[name] = spec;
  }
  return { ...leading, ...protocolRows, ...trailingSettings };
}

export const settings = settingsTable(SINKS);

/** The settings every protocol shares; a protocol's own are read by its definition. */
export type SettingName = keyof SharedRows;
export type Settings = { readonly [K in SettingName]: ReturnType<SharedRows[K]['parse']> };
/** Every setting's value: the shared ones as typed, and each protocol's own by name. */
export type AllSettings = Settings & Readonly<Record<string, unknown>>;

/**
 * V8's young generation fixed at the size it gets in a 2,048 MB container. Left to itself, V8 sizes it from the
 * memory it is told it has: 8 MB semi-spaces in a 2,048 MB container, 16 MB once the limit is a little higher
 * (Flex Consumption adds 272 MB for the platform) or on a large machine, and the larger one adds 10 to 28 MB to the
 * peak of a full invocation. `npm run bench` starts every measured process with the same arguments.
 */
export const NODE_WORKER_ARGUMENTS = '--max-semi-space-size=8';

/**
 * Settings the Functions host and the Azure SDKs read themselves. Listed so that the sample and infra/ set them;
 * the code never reads them.
 */
export const hostSettings = {
  languageWorkers__node__arguments: {
    description:
      'Arguments the host starts Node with. "--max-semi-space-size=8" keeps V8\'s young generation at 8 MB semi-spaces whatever memory the instance reports: some 20 MB less at the peak of a full invocation (bench/README.md).',
    example: NODE_WORKER_ARGUMENTS,
  },
  FUNCTIONS_WORKER_RUNTIME: {
    description:
      'Always "node". Local only: on Flex Consumption the runtime is part of the app (infra/), not a setting.',
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
  EventHubConnection__credential: {
    description: 'In Azure "managedidentity": the triggers sign in as the app identity.',
    example: '',
  },
  EventHubConnection__clientId: {
    description: 'In Azure the client id of the app identity, for the triggers.',
    example: '',
  },
  AzureWebJobsStorage__credential: {
    description: 'In Azure "managedidentity": the host reaches its storage as the app identity.',
    example: '',
  },
  AzureWebJobsStorage__clientId: {
    description: 'In Azure the client id of the app identity, for the host storage.',
    example: '',
  },
} as const satisfies Record<string, { description: string; example: string; localOnly?: true }>;

export function describeSettings(): {
  name: string;
  description: string;
  example: string;
  defaultText?: string;
  secret: boolean;
}[] {
  return Object.entries(settings).map(([name, spec]: [string, SettingSpec<unknown>]) => ({
    name,
    description: spec.description,
    example: spec.example,
    ...(spec.defaultText === undefined ? {} : { defaultText: spec.defaultText }),
    secret: spec.secret === true,
  }));
}
