// PLACEHOLDER, replaced at merge by the monitoring issue's module (the telemetry branch owns this file): it only
// declares the interface main.bicep composes, so the templates and their tests hold together until then.

@description('Azure region.')
param location string

@description('Resource id of the Application Insights component the workbook reads.')
param appInsightsId string
