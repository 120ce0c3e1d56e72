import { app } from '@azure/functions';
import { forwarderApp } from '../shared/app/functionsApp.js';

const { redrive } = forwarderApp(process.env);

if (redrive) app.timer('redrive', { schedule: redrive.schedule, handler: redrive.handler });
