/** A generic HTTP endpoint (SIEM_FORMAT ndjson or json): records as sent, the answer read by status code. */
import type { SiemConfig } from '../config/config.js';
import { classifyResponse } from '../deliver/outcome.js';
import type { Router } from '../route/router.js';
import { jsonArrayFormat } from './jsonArray.js';
import { ndjsonFormat } from './ndjson.js';
import { protocolSink } from './request.js';
import type { Sink } from '../types/sink.js';

export function createWebhookSink(siem: SiemConfig, router: Router): Sink {
  const format = siem.format === 'json' ? jsonArrayFormat : ndjsonFormat;
  return protocolSink(siem, router, { format, classify: (response) => classifyResponse(response) });
}
