import { app } from '@azure/functions';
import { forwarderApp } from '../shared/app/functionsApp.js';

const refresh = forwarderApp(process.env).directoryRefresh;

// Registered only when DEVICE_DIRECTORY_REFRESH_SCHEDULE is set: tenants that stream DeviceInfo need no refresh.
if (refresh) {
  app.timer('device-directory-refresh', { schedule: refresh.schedule, handler: refresh.handler });
}
