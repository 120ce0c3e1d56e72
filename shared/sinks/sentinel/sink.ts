/**
 * Microsoft Sentinel through the Azure Monitor Logs Ingestion API (SIEM_FORMAT=sentinel): a JSON array of records
 * POSTed to a data collection rule's stream, with an Entra token for https://monitor.azure.com. The API answers
 * 204, or 429/503 with Retry-After, which the shared classification already honours.
 */
import type { SiemConfig } from '../../config/config.js';
import { classifyResponse } from '../../deliver/outcome.js';
import type { Router } from '../../route/router.js';
import type { Route } from '../../types/route.js';
import { jsonArrayFormat } from '../jsonArray.js';
import { protocolSink } from '../request.js';
import type { Sink } from '../../types/sink.js';

export const LOGS_INGESTION_API_VERSION = '2023-01-01';

export function createSentinelSink(siem: SiemConfig, router: Router): Sink {
  const dcr = siem.sentinel?.dcrImmutableId;
  if (dcr === undefined) throw new Error('SIEM_FORMAT=sentinel needs SENTINEL_DCR_ID');
  return protocolSink(siem, router, {
    format: jsonArrayFormat,
    classify: (response) => classifyResponse(response),
    url: (route) => streamUrl(route, dcr),
  });
}

/** {endpoint}/dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01 */
export function streamUrl(route: Route, dcr: string): string {
  const endpoint = route.url.replace(/\/+$/, '');
  return `${endpoint}/dataCollectionRules/${encodeURIComponent(dcr)}/streams/${encodeURIComponent(route.stream ?? '')}?api-version=${LOGS_INGESTION_API_VERSION}`;
}
