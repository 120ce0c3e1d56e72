// The operators' workbook: infra/workbook.json (the charts docs/operations.md explains, query for
// query), shared on the Application Insights component so it opens under Workbooks there.

@description('Azure region.')
param location string

@description('Resource id of the Application Insights component the workbook reads.')
param appInsightsId string

@description('Tags for the workbook.')
param tags object = {}

@description('Name shown in the portal.')
param displayName string = 'Defender SIEM forwarder'

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per component, so redeploying updates it in place.
  name: guid(appInsightsId, 'defender-siem-forwarder-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: toLower(appInsightsId)
    serializedData: loadTextContent('../workbook.json')
  }
}

output workbookId string = workbook.id
