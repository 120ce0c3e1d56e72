// The package is CommonJS without named ESM exports, so it is imported whole.
import azureFunctions, { type EventHubFunctionOptions } from '@azure/functions';
import { forwarderApp } from '../shared/app/functionsApp.js';
import { triggerRetry } from '../shared/app/holdPolicy.js';

const forwarder = forwarderApp(process.env);
const { app } = azureFunctions;

for (const hub of forwarder.hubs) {
  const options: EventHubFunctionOptions & { dataType: 'binary' } = {
    connection: 'EventHubConnection',
    eventHubName: hub.name,
    consumerGroup: forwarder.config.eventHubs.consumerGroup,
    cardinality: 'many',
    // The bodies as the bytes Defender wrote (Buffers). With 'string' the library JSON.parses each body before the
    // handler sees it, and 19-digit ids lose digits; with neither the host parses them itself.
    dataType: 'binary',
    retry: triggerRetry,
    handler: forwarder.handleEvents,
  };
  app.eventHub(hub.functionName, options);
}

app.hook.appTerminate(() => forwarder.telemetry.shutdown());
