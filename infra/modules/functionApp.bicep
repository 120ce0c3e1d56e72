// The functions app on the Flex Consumption plan: Node 22, a user-assigned identity for everything (the deployment
// package included), and exactly the app settings main.bicep passes in.

@description('Function app name, unique in Azure.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Blob endpoint of the storage account holding the deployment container, ending in /.')
param storageBlobEndpoint string

@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainer string

@description('Memory of each instance, in MB.')
param instanceMemoryMB int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Every app setting, name to value. Settings not listed here are removed on each deployment.')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app it deploys to by this tag (azure.yaml's service name).
  tags: union(tags, {
    'azd-service-name': 'forwarder'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // On Flex Consumption the runtime lives here; FUNCTIONS_WORKER_RUNTIME as an app setting is refused.
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

output name string = app.name
