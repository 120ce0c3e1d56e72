/** The protocols, one line each: SIEM_FORMAT picks the sink that speaks it. */
import type { SiemConfig } from '../config/config.js';
import { createRouter } from '../route/router.js';
import type { Sink } from '../types/sink.js';
import { createElasticSink } from './elastic/sink.js';
import { createSentinelSink } from './sentinel/sink.js';
import { createSplunkHecSink } from './splunkHec/sink.js';
import { createWebhookSink } from './webhook.js';

export function createSink(siem: SiemConfig): Sink {
  const router = createRouter(siem.destination, siem.routes);
  switch (siem.format) {
    case 'ndjson':
    case 'json':
      return createWebhookSink(siem, router);
    case 'splunk-hec':
      return createSplunkHecSink(siem, router);
    case 'elastic-bulk':
      return createElasticSink(siem, router);
    case 'sentinel':
      return createSentinelSink(siem, router);
  }
}
