/**
 * Microsoft Sentinel through the Azure Monitor Logs Ingestion API (SIEM_FORMAT=sentinel): a JSON array of records
 * POSTed to a data collection rule's stream, with an Entra token for https://monitor.azure.com. The API answers
 * 204, or 429/503 with Retry-After, which the shared classification already honours.
 */
import { quoted } from '../../config/quoted.js';
import { text } from '../../config/settingTypes.js';
import { classifyResponse } from '../../deliver/outcome.js';
import type { Route } from '../../types/route.js';
import { defineSink } from '../definition.js';
import { jsonArrayFormat } from '../jsonArray.js';
import { protocolSink } from '../request.js';

export const LOGS_INGESTION_API_VERSION = '2023-01-01';
const MONITOR_SCOPE = 'https://monitor.azure.com/.default';

export interface SentinelProtocol {
  readonly dcrImmutableId: string;
}

export const sentinel = defineSink({
  format: 'sentinel',
  about: 'Azure Monitor Logs Ingestion API',
  settings: {
    SENTINEL_DCR_ID: text({
      description: 'sentinel: immutable id of the data collection rule (dcr-...).',
      example: 'dcr-00000000000000000000000000000000',
    }),
    SENTINEL_STREAM: text({
      description: 'sentinel: stream declared in the data collection rule; may contain {table} and {tenantId}.',
      default: 'Custom-{table}',
      template: true,
    }),
  },
  // The Logs Ingestion API refuses calls over 1 MB.
  maxBatchBytes: { default: 1_000_000, max: 1_000_000 },
  auth: { default: 'entra', onlyBecause: 'the Logs Ingestion API takes Entra tokens only', entraScope: MONITOR_SCOPE },
  url: { note: 'it is the data collection endpoint' },
  routeFields: ['url', 'stream'],
  destination: (values) => ({ stream: values.SENTINEL_STREAM }),
  parse(values, report): SentinelProtocol | undefined {
    const id = values.SENTINEL_DCR_ID;
    if (id !== undefined && /^dcr-[0-9a-f]{32}$/.test(id)) return { dcrImmutableId: id };
    report(
      'SENTINEL_DCR_ID',
      `is required for SIEM_FORMAT=sentinel: the rule's immutable id, dcr- and 32 hex digits, got ${quoted(id ?? '')}`,
    );
    return undefined;
  },
  create: (siem, router) =>
    protocolSink(siem, router, {
      format: jsonArrayFormat,
      classify: (response) => classifyResponse(response),
      url: (route) => streamUrl(route, siem.protocol.dcrImmutableId),
    }),
});

/** {endpoint}/dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01 */
export function streamUrl(route: Route, dcr: string): string {
  const endpoint = route.url.replace(/\/+$/, '');
  return `${endpoint}/dataCollectionRules/${encodeURIComponent(dcr)}/streams/${encodeURIComponent(route.stream ?? '')}?api-version=${LOGS_INGESTION_API_VERSION}`;
}
