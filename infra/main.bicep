// Everything the forwarder runs on, in one resource group, with no keys or connection strings: the functions app
// and every service it reaches sign in with one user-assigned managed identity holding the least roles that work.
//
//   az deployment group create -g <group> -f infra/main.bicep -p siemUrl=https://siem.example.com/ingest
//
// docs/deploy.md walks through the rest (publishing the code, the secret, Defender's export).
targetScope = 'resourceGroup'

// ---- Naming and placement

@description('Azure region for every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix for resource names; names keep its letters and digits, lowercased (a storage account name takes nothing else). A hash of the resource group and the prefix makes the names unique.')
@minLength(2)
@maxLength(8)
param namePrefix string = 'dsf'

@description('Tags for every resource.')
param tags object = {}

// ---- The SIEM (app settings of the same name, in capitals, are documented in docs/configuration.md)

@description('SIEM_URL: where batches are POSTed, an https endpoint of your SIEM. Required.')
@minLength(1)
param siemUrl string

@description('SIEM_FORMAT: request body format (docs/siem.md explains each).')
@allowed([
  'ndjson'
  'json'
  'splunk-hec'
  'elastic-bulk'
  'sentinel'
])
param siemFormat string = 'ndjson'

@description('SIEM_AUTH: how the SIEM is authenticated (docs/siem.md lists the modes). Empty uses the format\'s own: splunk for splunk-hec, apikey for elastic-bulk, entra for sentinel, bearer otherwise.')
@allowed([
  ''
  'bearer'
  'splunk'
  'basic'
  'header'
  'apikey'
  'entra'
  'mtls'
  'none'
])
param siemAuth string = ''

@description('SIEM_AUTH_HEADER: header that carries the secret when siemAuth is header, e.g. X-Api-Key.')
param siemAuthHeader string = ''

@description('SIEM_SECRET_NAME: name of the SIEM secret in the vault (1-127 letters, digits and dashes).')
@minLength(1)
@maxLength(127)
param siemSecretName string = 'siem-token'

@description('The SIEM secret itself. Empty (the default) creates no secret: set it after deployment, so it never passes through a deployment\'s parameters.')
@secure()
param siemSecret string = ''

@description('Object id of the person or group who sets and rotates the SIEM secret (Key Vault Secrets Officer on this vault only). Empty grants nobody.')
param secretsOfficerPrincipalId string = ''

@description('SECRET_CACHE_MINUTES: how long a secret read from the vault is reused.')
@minValue(1)
@maxValue(1440)
param secretCacheMinutes int = 60

@description('SIEM_MAX_BATCH_BYTES: largest request body, in bytes, at least 1024 and at most the format\'s own limit. Empty uses that limit (1 MiB; 1,000,000 bytes for splunk-hec and sentinel; 10 MiB for elastic-bulk). A string, so empty can mean the format\'s: the app checks it at start-up.')
param siemMaxBatchBytes string = ''

@description('SIEM_MAX_BATCH_RECORDS: most records in one request.')
@minValue(1)
@maxValue(100000)
param siemMaxBatchRecords int = 500

@description('SIEM_TIMEOUT_SECONDS: time allowed for one request.')
@minValue(1)
@maxValue(600)
param siemTimeoutSeconds int = 30

@description('SIEM_MAX_CONCURRENCY: requests in flight at once, per instance.')
@minValue(1)
@maxValue(64)
param siemMaxConcurrency int = 4

@description('SIEM_RETRY_SECONDS: how long one invocation keeps retrying a batch.')
@minValue(1)
@maxValue(3600)
param siemRetrySeconds int = 120

@description('SIEM_RETRY_INITIAL_MS: first retry waits up to this long.')
@minValue(1)
@maxValue(60000)
param siemRetryInitialMs int = 500

@description('SIEM_RETRY_MAX_MS: longest wait between retries.')
@minValue(1)
@maxValue(600000)
param siemRetryMaxMs int = 30000

@description('SIEM_OUTAGE_HOLD_MINUTES: how long the trigger holds a partition while the SIEM is unreachable before dead-lettering.')
@minValue(0)
@maxValue(10080)
param siemOutageHoldMinutes int = 60

@description('REDRIVE_SCHEDULE: when the redrive function sends dead letters again, as NCRONTAB of six fields (0 */15 * * * *); Flex Consumption takes no interval. Empty: no redrive function.')
param redriveSchedule string = ''

@description('SIEM_GZIP: compress request bodies with gzip.')
param siemGzip bool = false

@description('SIEM_ENTRA_SCOPE: scope of the Entra token for siemAuth entra. Empty uses the format\'s own (https://monitor.azure.com/.default for sentinel).')
param siemEntraScope string = ''

@description('SIEM_CA_CERT: name of a vault secret with extra CA certificates (PEM) for a SIEM with a private CA. Empty trusts the public CAs only.')
param siemCaCert string = ''

@description('SIEM_ROUTES: overrides as a JSON object, table, tenant:<tenantId> or tenant:<tenantId>/<table> -> {url, secretName, sourcetype, index, stream}; secretName is a secret in this vault. Empty for none.')
param siemRoutes string = ''

@description('CATEGORIES_INCLUDE: tables to forward, comma-separated. Empty forwards all.')
param categoriesInclude string = ''

@description('CATEGORIES_EXCLUDE: tables never to forward, comma-separated.')
param categoriesExclude string = ''

@description('SPLUNK_SOURCETYPE: splunk-hec sourcetype; may contain {table}, {category} and {tenantId}.')
param splunkSourcetype string = 'mscs:azure:eventhub:defender:advancedhunting'

@description('SPLUNK_INDEX: splunk-hec index; may contain {table} and {tenantId}. Empty uses the token\'s default index.')
param splunkIndex string = ''

@description('SPLUNK_HEC_ACK: count records as delivered only once Splunk indexed them (indexer acknowledgement).')
param splunkHecAck bool = false

@description('SPLUNK_HEC_ACK_TIMEOUT_SECONDS: how long to wait for indexing before sending a batch again.')
@minValue(1)
@maxValue(600)
param splunkHecAckTimeoutSeconds int = 60

@description('ELASTIC_INDEX: elastic-bulk index or data stream; may contain {table} and {tenantId}.')
param elasticIndex string = 'defender-{table}'

@description('SENTINEL_DCR_ID: sentinel: immutable id of the data collection rule (dcr-...). The app identity needs Monitoring Metrics Publisher on that rule.')
param sentinelDcrId string = ''

@description('SENTINEL_STREAM: sentinel: stream declared in the data collection rule; may contain {table} and {tenantId}.')
param sentinelStream string = 'Custom-{table}'

@description('MACHINE_GROUP_DEFAULT: MachineGroup for devices nobody knows; empty leaves them as they came.')
param machineGroupDefault string = ''

@description('ALLOWED_TENANT_IDS: tenant ids whose records may be forwarded, comma-separated; others are dead-lettered. Empty allows every tenant.')
param allowedTenantIds string = ''

// ---- Storage

@description('DEAD_LETTER_CONTAINER: blob container for what the SIEM would not take (3-63 lowercase letters, digits and dashes).')
@minLength(3)
@maxLength(63)
param deadLetterContainer string = 'dead-letter'

@description('DEVICE_DIRECTORY_TABLE: table holding the device directory (MachineGroup of devices the stream has not described yet); 3-63 letters and digits, starting with a letter.')
@minLength(3)
@maxLength(63)
param deviceDirectoryTable string = 'devicedirectory'

@description('DEVICE_DIRECTORY_CACHE_SIZE: devices each instance keeps in memory in front of the directory table.')
@minValue(100)
@maxValue(2000000)
param deviceDirectoryCacheSize int = 100000

@description('DEVICE_DIRECTORY_CACHE_MINUTES: how long an instance reuses a device group before reading the table again.')
@minValue(1)
@maxValue(1440)
param deviceDirectoryCacheMinutes int = 10

@description('DEVICE_DIRECTORY_REFRESH_SCHEDULE: NCRONTAB (six fields) for seeding the directory from the Defender for Endpoint machines API, e.g. 0 0 */6 * * *; empty turns it off. The identity then needs the WindowsDefenderATP application permission Machine.Read.All (docs/enrichment.md).')
param deviceDirectoryRefreshSchedule string = ''

@description('DEFENDER_API_URL: the Defender for Endpoint API the refresh reads machines from.')
param defenderApiUrl string = 'https://api.securitycenter.microsoft.com'

@description('DEFENDER_API_SCOPE: token scope for defenderApiUrl.')
param defenderApiScope string = 'https://api.securitycenter.microsoft.com/.default'

@description('PARSE_DYNAMIC_FIELDS: true sends JSON-in-a-string columns of Device* and AlertEvidence as JSON (not byte for byte).')
param parseDynamicFields bool = false

// ---- Event Hubs

@description('single: Defender exports every table to one hub, eventHubName. perTable: one hub per table in defenderTables, named insights-logs-advancedhunting-<table>, as Defender names them when its Event Hub name field is left empty.')
@allowed([
  'single'
  'perTable'
])
param eventHubLayout string = 'single'

@description('The hub of the single layout; type this name into Defender\'s Event Hub name field.')
@minLength(1)
@maxLength(256)
param eventHubName string = 'insights-logs-advancedhunting'

@description('perTable layout: the Defender tables that get a hub. A Standard namespace holds at most 10 hubs; for more, use eventHubsSku Premium, or the single layout. Defender takes at most 10 tables per export setting either way (docs/deploy.md, step 5).')
@minLength(1)
param defenderTables array = [
  'DeviceInfo'
  'DeviceNetworkInfo'
  'DeviceProcessEvents'
  'DeviceNetworkEvents'
  'DeviceFileEvents'
  'DeviceRegistryEvents'
  'DeviceLogonEvents'
  'DeviceImageLoadEvents'
  'DeviceEvents'
  'DeviceFileCertificateInfo'
]

@description('Event Hubs tier: Standard, or Premium for more than 10 hubs (dedicated capacity, much higher cost).')
@allowed([
  'Standard'
  'Premium'
])
param eventHubsSku string = 'Standard'

@description('Throughput units (Standard: 1 to 40, 1 MB/s in each) or processing units (Premium: 1, 2, 4, 6, 8, 10, 12 or 16).')
@minValue(1)
@maxValue(40)
param eventHubsCapacity int = 1

@description('Standard only: auto-inflate may raise throughput units up to this many when Defender sends more; 0 turns it off.')
@minValue(0)
@maxValue(40)
param eventHubsMaxThroughputUnits int = 4

@description('Partitions per hub: how many instances can read one hub at once.')
@minValue(1)
@maxValue(32)
param eventHubPartitions int = 4

@description('Hours a hub keeps events: how long the forwarder can be stopped, or held by a SIEM outage, before unread events expire. Standard keeps at most 168 (7 days), Premium 2160 (90 days).')
@minValue(1)
@maxValue(2160)
param eventHubRetentionHours int = 168

@description('EVENT_HUB_CONSUMER_GROUP: the consumer group the forwarder reads with, created on every hub. Its own group keeps its checkpoints apart from any other reader.')
@minLength(1)
@maxLength(50)
param consumerGroup string = 'siem-forwarder'

@description('Keep true unless your Defender export is proven to write without it: Defender\'s export, like Azure Monitor\'s, writes with the namespace\'s shared access keys (docs/deploy.md, step 5). The forwarder reads with its managed identity either way, and no key reaches any setting or output. False turns shared access keys off.')
param eventHubsAllowLocalAuth bool = true

@description('Object id of a developer who runs the functions locally against these hubs (Event Hubs Data Receiver). Empty grants nobody.')
param developerPrincipalId string = ''

// ---- The functions app and monitoring

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances each function scales out to. Beyond one per partition of its hub, more instances only wait.')
// Flex Consumption takes 1 to 1,000 (learn.microsoft.com/azure/azure-functions/event-driven-scaling#limit-scale-out);
// its 2025 documentation gave 40 as the lowest. If Azure refuses a value under 40, that older floor still applies.
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Resource id of an action group the alerts notify; empty creates the alerts without notifications.')
param alertActionGroupId string = ''

@description('Alert when a message waited in Event Hubs longer than this, in minutes.')
@minValue(1)
param lagThresholdMinutes int = 15

@description('Alert when more than this percentage of SIEM requests in 15 minutes failed.')
@minValue(1)
@maxValue(100)
param siemFailurePercent int = 10

@description('Alert when the triggers received no record for this long (ISO 8601 duration).')
@allowed(['PT15M', 'PT30M', 'PT45M', 'PT1H', 'PT2H', 'PT3H', 'PT6H', 'PT12H', 'P1D'])
param quietWindow string = 'PT30M'

@description('TELEMETRY_TRACE_SAMPLING_PERCENTAGE: share of traces (SIEM calls) sent to Application Insights. Metrics are never sampled.')
@minValue(0)
@maxValue(100)
param telemetryTraceSamplingPercentage int = 100

// namePrefix lowercased, letters and digits only: all a storage account name may hold, and safe in every other name.
var lowerPrefix = toLower(namePrefix)
var prefix = join(filter(map(range(0, length(lowerPrefix)), i => substring(lowerPrefix, i, 1)), c => contains('abcdefghijklmnopqrstuvwxyz0123456789', c)), '')
// Limits that depend on another parameter, which a decorator cannot state (Azure Event Hubs quotas and limits,
// learn.microsoft.com/azure/event-hubs/event-hubs-quotas, and configure-processing-units-premium-namespace).
var parameterProblems = filter([
  empty(prefix) ? 'namePrefix needs at least one letter or digit.' : ''
  eventHubsSku == 'Standard' && eventHubRetentionHours > 168 ? 'eventHubRetentionHours: a Standard namespace keeps events at most 168 hours (7 days); Premium keeps up to 2160.' : ''
  eventHubsSku == 'Premium' && !contains([1, 2, 4, 6, 8, 10, 12, 16], eventHubsCapacity) ? 'eventHubsCapacity: Premium takes 1, 2, 4, 6, 8, 10, 12 or 16 processing units.' : ''
  eventHubLayout == 'perTable' && eventHubsSku == 'Standard' && length(defenderTables) > 10 ? 'defenderTables: a Standard Event Hubs namespace holds at most 10 hubs; list at most 10 tables, use eventHubsSku Premium, or eventHubLayout single.' : ''
], problem => !empty(problem))
// Every resource name holds namePart, so any of those problems stops the deployment, with all of them in one message.
var namePart = empty(parameterProblems) ? prefix : fail('Invalid parameters: ${join(parameterProblems, ' ')}')
var token = toLower(uniqueString(resourceGroup().id, namePrefix))
var names = {
  identity: 'id-${namePart}-${token}'
  storage: take('st${namePart}${token}', 24)
  eventHubs: 'evhns-${namePart}-${token}'
  keyVault: take('kv-${namePart}-${token}', 24)
  workspace: 'log-${namePart}-${token}'
  appInsights: 'appi-${namePart}-${token}'
  plan: 'plan-${namePart}-${token}'
  functionApp: 'func-${namePart}-${token}'
}
var deploymentContainer = 'app-package'
var perTableHubNames = map(defenderTables, table => 'insights-logs-advancedhunting-${toLower(table)}')
var hubNames = eventHubLayout == 'single' ? [eventHubName] : perTableHubNames
// entra (and sentinel's default) signs in with the app identity; none sends nothing: neither reads a vault secret.
var usesSecret = !contains(['none', 'entra'], siemAuth) && !(siemAuth == '' && siemFormat == 'sentinel')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module storage './modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainer: deploymentContainer
    deadLetterContainer: deadLetterContainer
    deviceDirectoryTable: deviceDirectoryTable
    appPrincipalId: identity.properties.principalId
  }
}

module eventHubs './modules/eventHubs.bicep' = {
  name: 'eventHubs'
  params: {
    name: names.eventHubs
    location: location
    tags: tags
    sku: eventHubsSku
    capacity: eventHubsCapacity
    maximumThroughputUnits: eventHubsMaxThroughputUnits
    hubNames: hubNames
    partitionCount: eventHubPartitions
    retentionHours: eventHubRetentionHours
    consumerGroup: consumerGroup
    allowLocalAuth: eventHubsAllowLocalAuth
    appPrincipalId: identity.properties.principalId
    developerPrincipalId: developerPrincipalId
  }
}

module keyVault './modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    secretName: siemSecretName
    secretValue: siemSecret
    appPrincipalId: identity.properties.principalId
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
  }
}

module monitoring './modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionDays: logRetentionDays
    appPrincipalId: identity.properties.principalId
  }
}

module alerts './modules/monitoring-alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    appInsightsId: monitoring.outputs.id
    actionGroupId: alertActionGroupId
    lagThresholdMinutes: lagThresholdMinutes
    siemFailurePercent: siemFailurePercent
    quietWindow: quietWindow
  }
}

module workbook './modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    appInsightsId: monitoring.outputs.id
  }
}

// Every app setting the forwarder, the Functions host and the Azure SDKs read, one line each, and nothing else.
// test/infra checks this list against shared/config/settings.ts: a new setting fails the tests until it is here.
// Settings marked localOnly there (a secret or connection string, the command line's folder) never come to Azure.
var appSettings = {
  // V8's young generation as a 2,048 MB container sizes it, whatever the instance reports (NODE_WORKER_ARGUMENTS).
  languageWorkers__node__arguments: '--max-semi-space-size=8'
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identity.properties.clientId
  AZURE_CLIENT_ID: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.ingestionTarget
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  TELEMETRY_TRACE_SAMPLING_PERCENTAGE: string(telemetryTraceSamplingPercentage)
  EVENT_HUB_NAMES: join(hubNames, ',')
  EVENT_HUB_CONSUMER_GROUP: consumerGroup
  SIEM_URL: siemUrl
  SIEM_FORMAT: siemFormat
  SIEM_AUTH: siemAuth
  SIEM_AUTH_HEADER: siemAuthHeader
  SIEM_MAX_BATCH_BYTES: siemMaxBatchBytes
  SIEM_MAX_BATCH_RECORDS: string(siemMaxBatchRecords)
  SIEM_TIMEOUT_SECONDS: string(siemTimeoutSeconds)
  SIEM_MAX_CONCURRENCY: string(siemMaxConcurrency)
  KEY_VAULT_URL: usesSecret ? keyVault.outputs.uri : ''
  SIEM_SECRET_NAME: usesSecret ? siemSecretName : ''
  SECRET_CACHE_MINUTES: string(secretCacheMinutes)
  SIEM_RETRY_SECONDS: string(siemRetrySeconds)
  SIEM_RETRY_INITIAL_MS: string(siemRetryInitialMs)
  SIEM_RETRY_MAX_MS: string(siemRetryMaxMs)
  SIEM_OUTAGE_HOLD_MINUTES: string(siemOutageHoldMinutes)
  DEAD_LETTER_STORAGE__blobServiceUri: storage.outputs.blobEndpoint
  DEAD_LETTER_CONTAINER: deadLetterContainer
  MACHINE_GROUP_DEFAULT: machineGroupDefault
  REDRIVE_SCHEDULE: redriveSchedule
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  DEVICE_DIRECTORY__tableServiceUri: storage.outputs.tableEndpoint
  DEVICE_DIRECTORY_TABLE: deviceDirectoryTable
  DEVICE_DIRECTORY_CACHE_SIZE: string(deviceDirectoryCacheSize)
  DEVICE_DIRECTORY_CACHE_MINUTES: string(deviceDirectoryCacheMinutes)
  DEVICE_DIRECTORY_REFRESH_SCHEDULE: deviceDirectoryRefreshSchedule
  DEFENDER_API_URL: defenderApiUrl
  DEFENDER_API_SCOPE: defenderApiScope
  PARSE_DYNAMIC_FIELDS: string(parseDynamicFields)
  ALLOWED_TENANT_IDS: allowedTenantIds
  SIEM_GZIP: string(siemGzip)
  SIEM_ENTRA_SCOPE: siemEntraScope
  SIEM_CA_CERT: siemCaCert
  SIEM_ROUTES: siemRoutes
  CATEGORIES_INCLUDE: categoriesInclude
  CATEGORIES_EXCLUDE: categoriesExclude
  SPLUNK_SOURCETYPE: splunkSourcetype
  SPLUNK_INDEX: splunkIndex
  SPLUNK_HEC_ACK: string(splunkHecAck)
  SPLUNK_HEC_ACK_TIMEOUT_SECONDS: string(splunkHecAckTimeoutSeconds)
  ELASTIC_INDEX: elasticIndex
  SENTINEL_DCR_ID: sentinelDcrId
  SENTINEL_STREAM: sentinelStream
}

module functionApp './modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.id
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
  }
}

@description('The app to publish to: func azure functionapp publish <functionAppName>.')
output functionAppName string = functionApp.outputs.name

@description('Defender portal, Streaming API, "Event-Hub Resource ID": the namespace\'s resource id.')
output eventHubNamespaceResourceId string = eventHubs.outputs.id

@description('Defender portal, Streaming API, "Event-Hub name": the hub of the single layout; empty for perTable (Defender then writes to insights-logs-advancedhunting-<table>).')
output defenderEventHubName string = eventHubLayout == 'single' ? eventHubName : ''

@description('The hubs the forwarder reads (EVENT_HUB_NAMES).')
output eventHubNames array = hubNames

@description('The vault holding the SIEM secret.')
output keyVaultName string = keyVault.outputs.name

@description('Name of the SIEM secret in the vault.')
output siemSecretName string = siemSecretName

@description('Storage account of the host, the deployment package, dead letters and the device directory.')
output storageAccountName string = storage.outputs.name

@description('Blob container holding dead letters.')
output deadLetterContainer string = deadLetterContainer

@description('Application Insights component with the forwarder\'s metrics and logs.')
output applicationInsightsName string = monitoring.outputs.name
