// The Event Hubs namespace Defender's Streaming API writes to, its hubs and the forwarder's consumer group.
// Shared access keys stay on unless the deployer turns them off: Defender's export, like Azure Monitor's, offers no
// identity and writes with the namespace's own RootManageSharedAccessKey rule (docs/deploy.md, step 5). Nothing
// here creates another rule or reads a key; the forwarder always reads with its managed identity.

@description('Namespace name: 6-50 letters, digits and dashes, unique in Azure.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Standard or Premium.')
@allowed([
  'Standard'
  'Premium'
])
param sku string

@description('Throughput units (Standard) or processing units (Premium).')
param capacity int

@description('Standard only: auto-inflate ceiling in throughput units; 0 turns auto-inflate off.')
param maximumThroughputUnits int

@description('The hubs to create.')
param hubNames array

@description('Partitions per hub.')
param partitionCount int

@description('Hours a hub keeps events.')
param retentionHours int

@description('Consumer group the forwarder reads with; created on every hub unless it is $Default.')
param consumerGroup string

@description('Whether local (shared access key, SAS) authentication stays on for the namespace, as Defender\'s export needs.')
param allowLocalAuth bool

@description('Principal id of the forwarder\'s managed identity.')
param appPrincipalId string

@description('Optional: object id of a developer who runs the functions locally against these hubs; empty grants nobody.')
param developerPrincipalId string

// Built-in role definition id (the same in every tenant).
var eventHubsDataReceiver = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
var autoInflate = sku == 'Standard' && maximumThroughputUnits > 0

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: capacity
  }
  properties: {
    disableLocalAuth: !allowLocalAuth
    minimumTlsVersion: '1.2'
    // No firewall: the app, on Flex Consumption without a virtual network, has no fixed address to allow
    // (docs/deploy.md, step 5, says what adding one takes).
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: autoInflate
    maximumThroughputUnits: autoInflate ? max(capacity, maximumThroughputUnits) : 0
  }
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for hub in hubNames: {
    parent: namespace
    name: hub
    properties: {
      partitionCount: partitionCount
      retentionDescription: {
        cleanupPolicy: 'Delete'
        retentionTimeInHours: retentionHours
      }
    }
  }
]

resource consumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for (hub, index) in hubNames: if (consumerGroup != '$Default') {
    parent: hubs[index]
    name: consumerGroup
  }
]

// Receive only, on the namespace, so hubs added later (one per table) are readable without another assignment.
resource appReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appPrincipalId, eventHubsDataReceiver)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource developerReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(namespace.id, developerPrincipalId, eventHubsDataReceiver)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiver)
    principalId: developerPrincipalId
  }
}

output id string = namespace.id
output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ in the public cloud; the host name is what the
// trigger's identity-based connection wants, in any cloud.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
