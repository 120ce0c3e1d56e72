// Alert rules on the forwarder's own metrics (shared/telemetry/metricNames.ts), as log search alerts on the
// Application Insights component: any dead letter, lag over a threshold, a high share of failed SIEM requests, and
// no records at all for a while. docs/operations.md explains each one.

@description('Azure region.')
param location string

@description('Resource id of the Application Insights component the alerts watch.')
param appInsightsId string

@description('Resource id of the action group the alerts notify; empty notifies nobody.')
param actionGroupId string = ''

@description('Tags for every alert rule.')
param tags object = {}

@description('Alert when a message waited in Event Hubs longer than this, in minutes.')
@minValue(1)
param lagThresholdMinutes int = 15

@description('Alert when more than this percentage of SIEM requests in 15 minutes failed (retried, refused or unauthorized).')
@minValue(1)
@maxValue(100)
param siemFailurePercent int = 10

@description('Alert when the Event Hubs triggers received no record for this long (ISO 8601 duration).')
@allowed(['PT15M', 'PT30M', 'PT45M', 'PT1H', 'PT2H', 'PT3H', 'PT6H', 'PT12H', 'P1D'])
param quietWindow string = 'PT30M'

var componentName = last(split(appInsightsId, '/'))
var actions = {
  actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
}

resource deadLetters 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${componentName}-dead-letters'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Forwarder: records dead-lettered'
    description: 'Records went to the dead-letter store: the SIEM refused them or the input could not be read. They are kept with the reason; redrive them once the cause is fixed.'
    severity: 1
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == "forwarder.records.dead_lettered"
| summarize deadLettered = sum(valueSum) by category = tostring(customDimensions.category), reason = tostring(customDimensions.reason)
'''
          timeAggregation: 'Total'
          metricMeasureColumn: 'deadLettered'
          dimensions: [
            { name: 'category', operator: 'Include', values: ['*'] }
            { name: 'reason', operator: 'Include', values: ['*'] }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: actions
  }
}

resource lag 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${componentName}-lag'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Forwarder: falling behind the Event Hub'
    description: 'A message waited in Event Hubs longer than ${lagThresholdMinutes} minutes before the forwarder read it: the SIEM is slow or down (see the failure alert), or the app needs more instances.'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == "forwarder.lag.enqueued"
| summarize lagMinutes = max(valueMax) / 60000 by hub = tostring(customDimensions.hub)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'lagMinutes'
          dimensions: [
            { name: 'hub', operator: 'Include', values: ['*'] }
          ]
          operator: 'GreaterThan'
          threshold: lagThresholdMinutes
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: actions
  }
}

resource siemFailures 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${componentName}-siem-failures'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Forwarder: SIEM requests failing'
    description: 'More than ${siemFailurePercent}% of requests to the SIEM were retried, refused or unauthorized. Records are held (the checkpoint does not move) while the SIEM is unreachable, then dead-lettered.'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == "forwarder.batches.sent"
| summarize failed = sumif(valueSum, tostring(customDimensions.outcome) in ("retry", "unauthorized", "reject")), total = sum(valueSum)
| extend failurePercent = iff(total > 0, 100.0 * failed / total, 0.0)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failurePercent'
          operator: 'GreaterThan'
          threshold: siemFailurePercent
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: actions
  }
}

resource quiet 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${componentName}-no-records'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Forwarder: no records received'
    description: 'The Event Hubs triggers received no record in ${quietWindow}: Defender stopped streaming, the hub or consumer group changed, or the app is not running.'
    severity: 1
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: quietWindow
    autoMitigate: true
    criteria: {
      allOf: [
        {
          // Replays from files (hub "replay") do not count as the stream flowing.
          query: '''
customMetrics
| where name == "forwarder.records.received" and tostring(customDimensions.hub) != "replay"
| summarize received = sum(valueSum)
| extend received = coalesce(received, 0.0)
'''
          timeAggregation: 'Total'
          metricMeasureColumn: 'received'
          operator: 'LessThanOrEqual'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: actions
  }
}

output alertRuleIds array = [deadLetters.id, lag.id, siemFailures.id, quiet.id]
